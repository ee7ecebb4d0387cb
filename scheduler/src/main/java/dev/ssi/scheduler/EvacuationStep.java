package dev.ssi.scheduler;

/** What becomes of one guest of a node being reclaimed. */
public sealed interface EvacuationStep {
    JobName job();

    /** Migrate it there. */
    record Move(JobName job, NodeName destination) implements EvacuationStep {
    }

    /** No node can take it: freeze it to disk until one can. */
    record Freeze(JobName job) implements EvacuationStep {
    }
}
