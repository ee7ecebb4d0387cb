package dev.ssi.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Preemptive migration: which of this node's jobs should move where, now. A pure function of
 * its arguments; the daemon calls it every balancing interval and offers each decision to its
 * destination, which has the last word ({@link Admission}).
 *
 * <p>Process lifetimes are heavy-tailed (Harchol-Balter and Downey): a job that has run for
 * T seconds is expected to run about T more. So a job's age stands for its remaining work, and
 * it moves when the time that work would save elsewhere is well above the time the move costs.
 */
public final class Balancer {
    private final MigrationPolicy policy;

    public Balancer(MigrationPolicy policy) {
        this.policy = policy;
    }

    public List<Decision> decide(NodeState self, PoolView view, TransferCost cost, long nowMillis,
                                 RandomGenerator random) {
        if (!mayMoveAny(self, cost, nowMillis)) {
            return List.of();
        }
        Destinations destinations = new Destinations(self.node(), view, policy);
        Round round = new Round(self, destinations, cost, random);
        round.usherMemory();
        round.balanceLoad(nowMillis);
        return round.decisions;
    }

    /**
     * Whether any job here could move now, whatever the peers offer: the node is short of
     * memory, or some job's remaining time here alone outweighs the least a move could cost.
     * A cheap test that lets the caller skip gathering the pool's view.
     */
    public boolean mayMoveAny(NodeState self, TransferCost cost, long nowMillis) {
        if (self.vector().freeMemoryBytes() < policy.lowWatermarkBytes(self.vector())) {
            return true;
        }
        CpuShares shares = CpuShares.of(self.vector());
        for (JobInfo job : self.jobs()) {
            double rate = self.isGuest(job) ? shares.perGuestJob() : shares.perHomeJob();
            boolean worthIt = rate <= 0
                    || job.workDoneSeconds() / rate >= (1 + policy.gainOverCost()) * cost.minimumSeconds(job.memoryBytes());
            if (worthIt && withinBudget(job, nowMillis) && job.cpuFraction() >= policy.cpuBoundFraction()) {
                return true;
            }
        }
        return false;
    }

    private boolean withinBudget(JobInfo job, long nowMillis) {
        boolean settled = job.migrations() == 0
                || nowMillis - job.residentSinceMillis() >= policy.minResidenceMillis();
        return !job.pinned() && job.migrations() < policy.maxMigrationsPerJob() && settled;
    }

    /** One call's working state: this node as it will be once the decisions so far are done. */
    private final class Round {
        final NodeState self;
        final Destinations destinations;
        final TransferCost cost;
        final RandomGenerator random;
        final List<Decision> decisions = new ArrayList<>();
        final List<JobInfo> staying;
        LoadVector here;

        Round(NodeState self, Destinations destinations, TransferCost cost, RandomGenerator random) {
            this.self = self;
            this.destinations = destinations;
            this.cost = cost;
            this.random = random;
            this.staying = new ArrayList<>(self.jobs());
            this.here = self.vector();
        }

        void usherMemory() {
            long deficit = policy.lowWatermarkBytes(here) - here.freeMemoryBytes();
            List<JobInfo> biggestFirst = staying.stream()
                    .filter(job -> !job.pinned() && job.migrations() < policy.maxMigrationsPerJob())
                    .sorted(Comparator.comparingLong(JobInfo::memoryBytes).reversed())
                    .toList();
            for (JobInfo job : biggestFirst) {
                if (deficit <= 0) {
                    return;
                }
                Optional<Destinations.Choice> choice = bestFor(job);
                if (choice.isPresent()) {
                    double finishHere = remaining(job) / rateHere(job);
                    move(job, choice.get(), Decision.Reason.MEMORY, finishHere - choice.get().finishSeconds());
                    deficit -= job.memoryBytes();
                }
            }
        }

        void balanceLoad(long nowMillis) {
            List<JobInfo> oldestFirst = staying.stream()
                    .filter(job -> withinBudget(job, nowMillis))
                    .filter(job -> job.cpuFraction() >= policy.cpuBoundFraction())
                    .sorted(Comparator.comparingDouble(JobInfo::workDoneSeconds).reversed())
                    .toList();
            for (JobInfo job : oldestFirst) {
                double rateHere = rateHere(job);
                Optional<Destinations.Choice> choice = bestFor(job);
                if (choice.isEmpty() || choice.get().rate() < rateHere * (1 + policy.minSpeedup())) {
                    continue;
                }
                double gain = remaining(job) / rateHere - choice.get().finishSeconds();
                if (gain >= policy.gainOverCost() * choice.get().costSeconds()) {
                    move(job, choice.get(), Decision.Reason.LOAD, gain);
                }
            }
        }

        private Optional<Destinations.Choice> bestFor(JobInfo job) {
            return destinations.best(job, remaining(job), node -> cost.seconds(job.memoryBytes(), node), random);
        }

        private double remaining(JobInfo job) {
            return job.workDoneSeconds();
        }

        private double rateHere(JobInfo job) {
            CpuShares shares = CpuShares.of(here);
            return self.isGuest(job) ? shares.perGuestJob() : shares.perHomeJob();
        }

        private void move(JobInfo job, Destinations.Choice choice, Decision.Reason reason, double gain) {
            decisions.add(new Decision(job.id(), choice.node(), reason, gain, choice.costSeconds()));
            destinations.reserve(choice.node(), job);
            staying.remove(job);
            here = self.isGuest(job)
                    ? here.withExtraGuests(-1, -job.memoryBytes())
                    : here.withExtraHomeJobs(-1, -job.memoryBytes());
        }
    }
}
