package dev.ssi.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Places every guest of a node being reclaimed (or failing) on the best other node that can
 * take it, oldest first, since the oldest has the most work left; what no node can take is
 * frozen. Every guest leaves, however young: the owner comes first.
 */
public final class Evacuator {
    private final MigrationPolicy policy;

    public Evacuator(MigrationPolicy policy) {
        this.policy = policy;
    }

    public List<EvacuationStep> plan(NodeState self, PoolView view, TransferCost cost, RandomGenerator random) {
        Destinations destinations = new Destinations(self.node(), view, policy);
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
}
