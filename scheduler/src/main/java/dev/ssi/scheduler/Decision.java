package dev.ssi.scheduler;

import java.util.Objects;

/**
 * Move one job to one node.
 *
 * @param expectedGainSeconds how much sooner the job is expected to finish there, net of the move
 * @param costSeconds         how long the move is expected to freeze it
 */
public record Decision(JobName job, NodeName destination, Reason reason, double expectedGainSeconds,
                       double costSeconds) {
    /** Why a job moves. */
    public enum Reason {
        /** It will finish sooner elsewhere. */
        LOAD,
        /** Its node is short of memory (memory ushering). */
        MEMORY
    }

    public Decision {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(reason, "reason");
    }
}
