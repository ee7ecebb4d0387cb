package dev.ssi.scheduler.sim;

/** One of the compared ways to run the pool: where jobs start, and what moves them later. */
interface Strategy {
    String name();

    /** Whether it reads load at all; those that do see it only through gossip. */
    boolean usesGossip();

    /** Whether a host's returning owner sends guests away (true) or just caps them (false). */
    boolean evacuatesOnReclaim();

    /** Where a job just submitted at {@code home} starts. */
    SimNode placeAtStart(ClusterSimulation sim, SimNode home, SimJob job);

    /** Called every balancing interval. */
    void balance(ClusterSimulation sim);

    /** Called when a host's owner comes back. */
    void reclaimed(ClusterSimulation sim, SimNode node);
}
