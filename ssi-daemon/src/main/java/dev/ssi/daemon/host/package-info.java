/**
 * The host of jobs ({@link dev.ssi.daemon.host.HostSide}, HTCondor's startd): the jobs running on
 * a node, its own and guests on its owner's terms, the offers it takes, jobs leaving it, and the
 * recovery of all of them after a restart.
 */
package dev.ssi.daemon.host;
