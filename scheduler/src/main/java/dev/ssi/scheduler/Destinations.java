package dev.ssi.scheduler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;

/**
 * The peers one decision round may send jobs to, with the load this round has already planned
 * for them, so that several decisions of one round do not all pick the same peer.
 */
final class Destinations {
    /** One possible destination for one job. */
    record Choice(NodeName node, double finishSeconds, double rate, double costSeconds) {
    }

    private final MigrationPolicy policy;
    private final boolean homeMustBeOpen;
    private final Map<NodeName, LoadVector> planned = new LinkedHashMap<>();

    Destinations(NodeName self, PoolView view, MigrationPolicy policy) {
        this(self, view, policy, false);
    }

    /**
     * @param homeMustBeOpen a job goes back to its home only while the home takes guests: an
     *                       evacuated job does not land on a home its own owner is reclaiming
     */
    Destinations(NodeName self, PoolView view, MigrationPolicy policy, boolean homeMustBeOpen) {
        this.policy = policy;
        this.homeMustBeOpen = homeMustBeOpen;
        for (PeerInfo peer : view.peers()) {
            NodeName node = peer.vector().node();
            if (!node.equals(self) && peer.ageMillis() <= policy.maxInfoAgeMillis()) {
                planned.put(node, peer.vector());
            }
        }
    }

    /**
     * The peer where {@code job} would finish soonest, counting {@code remainingWork} seconds of
     * reference-CPU work plus the cost of getting there, among a few peers drawn at random from
     * those that can take it. Drawing a few instead of taking the best of all is what keeps
     * stale information useful (Mitzenmacher, "How useful is old information?"): nodes that know
     * the same idle peer do not all send it their jobs at once.
     */
    Optional<Choice> best(JobInfo job, double remainingWork, ToDoubleFunction<NodeName> costSeconds,
                          RandomGenerator random) {
        List<LoadVector> candidates = new ArrayList<>();
        for (LoadVector peer : planned.values()) {
            if (canTake(peer, job)) {
                candidates.add(peer);
            }
        }
        Choice best = null;
        int draws = Math.min(policy.choices(), candidates.size());
        for (int i = 0; i < draws; i++) {
            int pick = i + random.nextInt(candidates.size() - i);
            LoadVector peer = candidates.set(pick, candidates.get(i));
            candidates.set(i, peer);
            double rate = CpuShares.forNewJob(peer, job.home().equals(peer.node()), job.memoryBytes());
            if (rate <= 0) {
                continue;
            }
            double cost = costSeconds.applyAsDouble(peer.node());
            double finish = cost + remainingWork / rate;
            if (best == null || finish < best.finishSeconds()) {
                best = new Choice(peer.node(), finish, rate, cost);
            }
        }
        return Optional.ofNullable(best);
    }

    /** Counts {@code job} as already sent to {@code node} for the rest of this round. */
    void reserve(NodeName node, JobInfo job) {
        LoadVector peer = planned.get(node);
        planned.put(node, job.home().equals(node)
                ? peer.withExtraHomeJobs(1, job.memoryBytes())
                : peer.withExtraGuests(1, job.memoryBytes()));
    }

    private boolean canTake(LoadVector peer, JobInfo job) {
        if (!Admission.check(peer, job).accepted()) {
            return false;
        }
        boolean returningHome = job.home().equals(peer.node());
        if (returningHome) {
            return !homeMustBeOpen || peer.offer().accepting();
        }
        return peer.freeMemoryBytes() - job.memoryBytes() >= policy.lowWatermarkBytes(peer);
    }
}
