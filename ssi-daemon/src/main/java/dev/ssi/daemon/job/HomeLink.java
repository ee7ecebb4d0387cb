package dev.ssi.daemon.job;

import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.transport.NodeId;

/** The way from the node a job runs on to its home: output, then its exit status. */
public interface HomeLink extends ChunkSink {
    /** The job runs on {@code node} now, in its {@code epoch}-th place. */
    void arrived(JobId job, NodeId node, int epoch);

    void exited(JobId job, int epoch, ExitStatus status);
}
