package dev.ssi.daemon.job;

/**
 * Where a pump hands a job's output when what is handed on may not get ahead of its reader: it
 * says when it has no room for more, and when it has again. A pump with no room leaves the job's
 * pipe unread, so the job waits in its next write; nothing else waits.
 */
public interface WindowedSink extends ChunkSink {
    /** Whether {@code job}'s output of {@code epoch} may have another chunk now. */
    boolean hasRoom(JobId job, int epoch);

    /** Runs {@code then} (on a thread that must not be held: it only schedules) once there is room, or at once if there is. */
    void whenRoom(JobId job, int epoch, Runnable then);
}
