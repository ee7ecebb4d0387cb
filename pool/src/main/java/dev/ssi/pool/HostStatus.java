package dev.ssi.pool;

/**
 * A host as it is now: alive when its namespace exists and its link to the bridge is up, with
 * the number of processes in its cgroup.
 */
public record HostStatus(PoolHost host, boolean alive, int processes) {}
