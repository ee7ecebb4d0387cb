package dev.ssi.scheduler;

/** What becomes of one guest of a node being reclaimed. */
public sealed interface EvacuationStep {
    JobId job();

    /** Migrate it there. */
    record Move(JobId job, NodeId destination) implements EvacuationStep {
    }

    /** No node can take it: freeze it to disk until one can. */
    record Freeze(JobId job) implements EvacuationStep {
    }
}
