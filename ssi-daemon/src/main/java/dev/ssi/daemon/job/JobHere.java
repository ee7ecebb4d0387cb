package dev.ssi.daemon.job;

import dev.ssi.transport.NodeId;

/** A job running on this node, as the scheduler needs to know it: {@code root} is its pid 1 (0 once it has ended). */
public record JobHere(JobId job, NodeId home, int epoch, int root) {}
