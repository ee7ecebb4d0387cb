package dev.ssi.scheduler;

import java.util.Objects;

/**
 * What the scheduler knows of one job on the node that runs it.
 *
 * @param id                   the job
 * @param user                 who submitted it
 * @param home                 the node where it was submitted
 * @param pinned               never moved by the scheduler: the owner's local work, or a job
 *                             its user told to stay
 * @param workDoneSeconds      CPU time it has used, in reference-CPU seconds (CPU seconds times
 *                             the speed of each node it ran on): its age for the lifetime rule
 * @param cpuFraction          share of the last interval it wanted the CPU (1 = CPU-bound)
 * @param memoryBytes          its resident memory: what a migration has to move
 * @param migrations           how often it has been moved so far
 * @param residentSinceMillis  when it started running on this node
 */
public record JobInfo(JobName id, String user, NodeName home, boolean pinned, double workDoneSeconds,
                      double cpuFraction, long memoryBytes, int migrations,
                      long residentSinceMillis) {
    public JobInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(home, "home");
        if (workDoneSeconds < 0 || cpuFraction < 0 || memoryBytes < 0 || migrations < 0) {
            throw new IllegalArgumentException("impossible job info for " + id);
        }
    }
}
