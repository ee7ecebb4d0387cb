package dev.ssi.scheduler.sim;

import dev.ssi.scheduler.MigrationPolicy;
import dev.ssi.scheduler.TransferCost;
import dev.ssi.scheduler.gossip.GossipConfig;

/**
 * One simulated pool and its workload.
 *
 * @param nodes               nodes in the pool
 * @param workstationFraction share of nodes where jobs are submitted (their owners are always
 *                            there; the others are hosts whose owners come and go)
 * @param load                offered work over the pool's mean capacity for guests and home jobs
 * @param arrivalSeconds      jobs arrive during this long; the run lasts until all are done
 * @param maxLifeSeconds      lifetimes follow P(life &gt; t) = 1/t from 1 s, bounded here
 * @param meanBurst           mean jobs per submission burst (a {@code make -j})
 * @param ownerAwayMeanSeconds   mean time a host's owner stays away
 * @param ownerPresentMeanSeconds mean time a host's owner works at it
 * @param seed                seed of the trace and of every random choice
 */
public record SimConfig(int nodes, double workstationFraction, double load, double arrivalSeconds,
                        double maxLifeSeconds, double meanBurst, double ownerAwayMeanSeconds,
                        double ownerPresentMeanSeconds, long seed, double balanceIntervalSeconds,
                        GossipConfig gossip, MigrationPolicy policy, TransferCost transfer) {

    /** The benchmark's pool at the given load (size chosen so that all runs take minutes on 2 cores). */
    public static SimConfig benchmark(double load) {
        return new SimConfig(300, 0.2, load, 600, 3000, 6, 1800, 600, 42, 2,
                GossipConfig.defaults(), MigrationPolicy.defaults(), TransferCost.lanDefaults());
    }

    public SimConfig withNodes(int count) {
        return new SimConfig(count, workstationFraction, load, arrivalSeconds, maxLifeSeconds, meanBurst,
                ownerAwayMeanSeconds, ownerPresentMeanSeconds, seed, balanceIntervalSeconds, gossip, policy, transfer);
    }

    public SimConfig withArrivalSeconds(double seconds) {
        return new SimConfig(nodes, workstationFraction, load, seconds, maxLifeSeconds, meanBurst,
                ownerAwayMeanSeconds, ownerPresentMeanSeconds, seed, balanceIntervalSeconds, gossip, policy, transfer);
    }

    public SimConfig withPolicy(MigrationPolicy newPolicy) {
        return new SimConfig(nodes, workstationFraction, load, arrivalSeconds, maxLifeSeconds, meanBurst,
                ownerAwayMeanSeconds, ownerPresentMeanSeconds, seed, balanceIntervalSeconds, gossip, newPolicy, transfer);
    }

    public double ownerPresentFraction() {
        return ownerPresentMeanSeconds / (ownerPresentMeanSeconds + ownerAwayMeanSeconds);
    }
}
