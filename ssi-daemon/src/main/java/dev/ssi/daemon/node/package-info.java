/**
 * A node wired from its roles: home, host and peer directory. It recovers every role before
 * registering any of them with transport.
 */
package dev.ssi.daemon.node;
