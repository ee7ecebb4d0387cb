/** Who is in the pool as far as a node knows, where they listen, and the way to reach them by name. */
package dev.ssi.daemon.directory;
