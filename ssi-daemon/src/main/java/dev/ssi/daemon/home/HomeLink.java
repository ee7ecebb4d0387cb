package dev.ssi.daemon.home;

import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.daemon.job.ChunkSink;
import dev.ssi.daemon.job.JobId;

/** The way from the node a job runs on to its home: output, then its exit status. */
public interface HomeLink extends ChunkSink {
    void exited(JobId job, int epoch, ExitStatus status);
}
