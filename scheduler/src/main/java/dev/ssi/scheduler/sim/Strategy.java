package dev.ssi.scheduler.sim;

/**
 * One of the compared ways to run the pool: where jobs start, and what moves them later. The
 * defaults are those of a strategy that reads load through gossip, never moves a started job
 * and only caps guests when a host's owner comes back.
 */
interface Strategy {
    String name();

    /** Whether it reads load at all; those that do see it only through gossip. */
    default boolean usesGossip() {
        return true;
    }

    /** Whether a host's returning owner sends guests away (true) or just caps them (false). */
    default boolean evacuatesOnReclaim() {
        return false;
    }

    /** Where a job just submitted at {@code home} starts. */
    SimNode placeAtStart(ClusterSimulation sim, SimNode home, SimJob job);

    /** Called every balancing interval. */
    default void balance(ClusterSimulation sim) {
    }

    /** Called when a host's owner comes back. */
    default void reclaimed(ClusterSimulation sim, SimNode node) {
    }
}
