package dev.ssi.daemon.job;

/** Where a job's output goes from the node it runs on: home itself, or a message to home. */
public interface ChunkSink {
    void chunk(JobId job, int epoch, long seq, byte[] data);

    /** No more output from this epoch: {@code chunks} were sent in all. */
    void end(JobId job, int epoch, long chunks);
}
