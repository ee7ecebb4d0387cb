package dev.ssi.scheduler.sim;

import java.util.List;

/** The workload every compared policy runs: the same nodes, jobs and owners. */
public record Trace(List<Node> nodes, List<Arrival> arrivals, List<OwnerChange> ownerChanges,
                    double guestCpusWhileOwnerActive) {
    /** A simulated machine. */
    public record Node(int index, boolean workstation, int cpus, double speed, long memoryBytes) {
    }

    /** A job submitted at its home workstation; {@code work} in reference-CPU seconds. */
    public record Arrival(int id, double time, int home, double work, long memoryBytes) {
    }

    /** A host's owner arrives ({@code present}) or leaves. */
    public record OwnerChange(double time, int node, boolean present) {
    }

    public Trace {
        nodes = List.copyOf(nodes);
        arrivals = List.copyOf(arrivals);
        ownerChanges = List.copyOf(ownerChanges);
    }
}
