package dev.ssi.scheduler;

import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Where a job that is about to start should run (MOSIX {@code mosrun -b}): the node where a job
 * of typical size would finish soonest, counting the small cost of starting it remotely.
 */
public final class StartPlacement {
    private final MigrationPolicy policy;

    public StartPlacement(MigrationPolicy policy) {
        this.policy = policy;
    }

    /**
     * @param job  the new job (not yet counted in {@code self})
     * @return the peer to start it on, or empty to start it here
     */
    public Optional<NodeName> choose(JobInfo job, NodeState self, PoolView view, RandomGenerator random) {
        if (job.pinned()) {
            return Optional.empty();
        }
        double work = policy.newJobWorkSeconds();
        double rateHere = CpuShares.forNewJob(self.vector(), true, job.memoryBytes());
        Destinations destinations = new Destinations(self.node(), view, policy);
        return destinations.best(job, work, node -> policy.remoteStartSeconds(), random)
                .filter(choice -> choice.rate() >= rateHere * (1 + policy.minSpeedup()))
                .filter(choice -> work / rateHere - choice.finishSeconds()
                        >= policy.gainOverCost() * choice.costSeconds())
                .map(Destinations.Choice::node);
    }
}
