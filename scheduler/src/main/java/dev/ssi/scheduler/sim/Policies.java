package dev.ssi.scheduler.sim;

import java.util.List;

/** The compared policies, in table order, and how to run each on a trace. */
public final class Policies {
    public static final List<String> NAMES = List.of("no migration", "random at start",
            "least-loaded at start", "ssi (preemptive)", "pool as one PS machine (bound)");

    private Policies() {
    }

    public static Outcome run(String name, SimConfig config, Trace trace) {
        return switch (name) {
            case "no migration" -> ClusterSimulation.run(config, trace, new NoMigration());
            case "random at start" -> ClusterSimulation.run(config, trace, new RandomPlacement());
            case "least-loaded at start" -> ClusterSimulation.run(config, trace, new LeastLoadedPlacement(config));
            case "ssi (preemptive)" -> ClusterSimulation.run(config, trace, new SsiMigration(config));
            case "pool as one PS machine (bound)" -> PoolBound.run(config, trace);
            default -> throw new IllegalArgumentException("no policy " + name);
        };
    }
}
