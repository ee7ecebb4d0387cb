package dev.ssi.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Places every guest of a node being reclaimed (or failing) on the best other node that can
 * take it, oldest first, since the oldest has the most work left; what no node can take is
 * frozen (kept on disk by its home). Every guest leaves, however young: the owner comes first.
 * A home counts as a node that can take its job only while it takes guests itself: a home
 * whose owner reclaims it too keeps the job frozen instead of running it.
 */
public final class Evacuator {
    private final MigrationPolicy policy;

    public Evacuator(MigrationPolicy policy) {
        this.policy = policy;
    }

    public List<EvacuationStep> plan(NodeState self, PoolView view, TransferCost cost, RandomGenerator random) {
        Destinations destinations = new Destinations(self.node(), view, policy, true);
        List<JobInfo> oldestFirst = self.jobs().stream()
                .filter(self::isGuest)
                .sorted(Comparator.comparingDouble(JobInfo::workDoneSeconds).reversed())
                .toList();
        List<EvacuationStep> steps = new ArrayList<>();
        for (JobInfo job : oldestFirst) {
            double work = Math.max(job.workDoneSeconds(), policy.newJobWorkSeconds());
            steps.add(destinations.best(job, work, node -> cost.seconds(job.memoryBytes(), node), random)
                    .<EvacuationStep>map(choice -> {
                        destinations.reserve(choice.node(), job);
                        return new EvacuationStep.Move(job.id(), choice.node());
                    })
                    .orElseGet(() -> new EvacuationStep.Freeze(job.id())));
        }
        return steps;
    }

    /**
     * Where a job frozen at its home ({@code home}, this node) should run again now: here, when
     * this node takes guests; else the best other node that takes it; empty while none does.
     * It is thawed here either way, and sent on from here to another node.
     */
    public Optional<NodeName> thawAt(JobInfo frozen, LoadVector home, PoolView view, TransferCost cost,
                                   RandomGenerator random) {
        if (home.offer().accepting() && Admission.check(home, frozen).accepted()) {
            return Optional.of(home.node());
        }
        double work = Math.max(frozen.workDoneSeconds(), policy.newJobWorkSeconds());
        return new Destinations(home.node(), view, policy, true)
                .best(frozen, work, node -> cost.seconds(frozen.memoryBytes(), node), random)
                .map(Destinations.Choice::node);
    }
}
