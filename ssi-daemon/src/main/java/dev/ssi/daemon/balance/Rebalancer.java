package dev.ssi.daemon.balance;

import dev.ssi.scheduler.Balancer;
import dev.ssi.scheduler.Decision;
import dev.ssi.scheduler.JobName;
import dev.ssi.scheduler.JobInfo;
import dev.ssi.scheduler.LoadVector;
import dev.ssi.scheduler.MigrationPolicy;
import dev.ssi.scheduler.NodeName;
import dev.ssi.scheduler.NodeState;
import dev.ssi.scheduler.PeerInfo;
import dev.ssi.scheduler.PoolView;
import dev.ssi.scheduler.StartPlacement;
import dev.ssi.scheduler.TransferCost;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * One balancing round's plan for this node. First, jobs started here since the last round get
 * their start placement (MOSIX's {@code mosrun -b}): ssi-run starts every job at home, so placing
 * one elsewhere is a migration right after its start, through the same two-phase protocol as
 * any other; it is planned once per job. Then the {@link Balancer} decides which jobs should move
 * where. Each planned move counts against its destination for the rest of the round.
 */
final class Rebalancer {
    /** Move {@code job} to {@code destination}; {@code why} is for the log. */
    record Move(JobInfo job, NodeName destination, String why) {}

    private final MigrationPolicy policy;
    private final Balancer balancer;
    private final boolean startPlacement;
    private final Set<JobName> placed = new HashSet<>();

    Rebalancer(MigrationPolicy policy, boolean startPlacement) {
        this.policy = policy;
        this.balancer = new Balancer(policy);
        this.startPlacement = startPlacement;
    }

    /** Whether a job started here has not had its start placement yet: the round should not wait. */
    boolean hasNewJobs(NodeState self) {
        return startPlacement && self.jobs().stream().anyMatch(job -> isNew(self, job) && !placed.contains(job.id()));
    }

    List<Move> plan(NodeState self, PoolView view, TransferCost cost, long nowMillis, RandomGenerator random) {
        Round round = new Round(self, view);
        if (startPlacement) {
            round.placeNewJobs(cost, random);
        }
        NodeState rest = new NodeState(round.here, round.staying);
        for (Decision decision : balancer.decide(rest, new PoolView(round.peers), cost, nowMillis, random)) {
            JobInfo job = rest.jobs().stream().filter(j -> j.id().equals(decision.job())).findFirst().orElseThrow();
            round.moves.add(new Move(job, decision.destination(), String.format("%s: %.1f s sooner, %.2f s frozen",
                    decision.reason().name().toLowerCase(java.util.Locale.ROOT), decision.expectedGainSeconds(),
                    decision.costSeconds())));
        }
        placed.retainAll(self.jobs().stream().map(JobInfo::id).toList());
        return round.moves;
    }

    private final class Round {
        final NodeState self;
        final List<PeerInfo> peers;
        final List<JobInfo> staying;
        final List<Move> moves = new ArrayList<>();
        LoadVector here;

        Round(NodeState self, PoolView view) {
            this.self = self;
            this.peers = new ArrayList<>(view.peers());
            this.staying = new ArrayList<>(self.jobs());
            this.here = self.vector();
        }

        void placeNewJobs(TransferCost cost, RandomGenerator random) {
            List<JobInfo> fresh = self.jobs().stream()
                    .filter(job -> isNew(self, job) && placed.add(job.id()))
                    .sorted(Comparator.comparing(job -> job.id().value()))
                    .toList();
            for (JobInfo job : fresh) {
                // Counted as if not yet here, as placement at start expects.
                LoadVector without = here.homeJobs() > 0 ? here.withExtraHomeJobs(-1, -job.memoryBytes()) : here;
                // Here "starting elsewhere" is a migration of a small young job: it costs what a move costs.
                StartPlacement placement = new StartPlacement(withStartCost(cost.minimumSeconds(job.memoryBytes())));
                Optional<NodeName> destination = placement.choose(job, new NodeState(without, List.of()),
                        new PoolView(peers), random);
                if (destination.isPresent()) {
                    moves.add(new Move(job, destination.get(), "start placement"));
                    staying.remove(job);
                    here = without;
                    reserve(destination.get(), job);
                }
            }
        }

        private void reserve(NodeName node, JobInfo job) {
            for (int i = 0; i < peers.size(); i++) {
                LoadVector peer = peers.get(i).vector();
                if (peer.node().equals(node)) {
                    LoadVector busier = job.home().equals(node)
                            ? peer.withExtraHomeJobs(1, job.memoryBytes()) : peer.withExtraGuests(1, job.memoryBytes());
                    peers.set(i, new PeerInfo(busier, peers.get(i).ageMillis()));
                }
            }
        }
    }

    private static boolean isNew(NodeState self, JobInfo job) {
        return job.home().equals(self.node()) && job.migrations() == 0;
    }

    private MigrationPolicy withStartCost(double seconds) {
        return new MigrationPolicy(policy.cpuBoundFraction(), policy.gainOverCost(), policy.minSpeedup(),
                policy.minResidenceMillis(), policy.maxMigrationsPerJob(), policy.maxInfoAgeMillis(),
                policy.memoryLowWatermark(), policy.newJobWorkSeconds(), seconds, policy.choices());
    }
}
