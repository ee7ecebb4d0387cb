package dev.ssi.scheduler;

import java.util.List;
import java.util.Objects;

/** A node's own view of itself: its current load vector and the jobs it runs. */
public record NodeState(LoadVector vector, List<JobInfo> jobs) {
    public NodeState {
        Objects.requireNonNull(vector, "vector");
        jobs = List.copyOf(jobs);
    }

    public NodeName node() {
        return vector.node();
    }

    public boolean isGuest(JobInfo job) {
        return !job.home().equals(node());
    }
}
