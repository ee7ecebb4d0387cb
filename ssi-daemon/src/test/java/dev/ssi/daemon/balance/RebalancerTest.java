package dev.ssi.daemon.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.scheduler.GuestOffer;
import dev.ssi.scheduler.Health;
import dev.ssi.scheduler.JobName;
import dev.ssi.scheduler.JobInfo;
import dev.ssi.scheduler.LoadVector;
import dev.ssi.scheduler.MigrationPolicy;
import dev.ssi.scheduler.NodeName;
import dev.ssi.scheduler.NodeState;
import dev.ssi.scheduler.PeerInfo;
import dev.ssi.scheduler.PoolView;
import dev.ssi.scheduler.TransferCost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A balancing round's plan, driven by a fixed view of the pool. */
class RebalancerTest {
    private static final long MIB = 1L << 20;
    private static final NodeName WS = new NodeName("ws");
    private static final long NOW = 1_000_000;

    private final TransferCost cost = new MoveCosts(117e6).current();
    private final SplittableRandom random = new SplittableRandom(7);

    @Test
    void eightJobsJustStartedOnABusyWorkstationAreSpreadOverThreeIdleHostsOnce() {
        Rebalancer rebalancer = new Rebalancer(MigrationPolicy.defaults(), true);
        List<JobInfo> jobs = IntStream.rangeClosed(1, 8).mapToObj(i -> job("ws/" + i, WS, 0.05, 0)).toList();
        NodeState ws = new NodeState(vector("ws", 0.4, 8, 0, true), jobs);
        PoolView view = view(vector("h1", 0.4, 0, 0, true), vector("h2", 0.4, 0, 0, true), vector("h3", 0.4, 0, 0, true));

        List<Rebalancer.Move> moves = rebalancer.plan(ws, view, cost, NOW, random);

        Map<NodeName, Integer> placed = new HashMap<>();
        moves.forEach(move -> placed.merge(move.destination(), 1, Integer::sum));
        assertEquals(6, moves.size(), "two stay, two go to each host: " + moves);
        assertEquals(Map.of(new NodeName("h1"), 2, new NodeName("h2"), 2, new NodeName("h3"), 2), placed);
        assertTrue(moves.stream().allMatch(move -> move.why().equals("start placement")));
        assertEquals(List.of(), rebalancer.plan(ws, view, cost, NOW, random), "a job is placed at start once, not again");
    }

    @Test
    void anOldCpuBoundJobMovesToAnIdlePeerButPinnedIdleAndJustMovedJobsStay() {
        Rebalancer rebalancer = new Rebalancer(MigrationPolicy.defaults(), false);
        JobInfo old = job("ws/1", WS, 30, 0);
        JobInfo pinned = new JobInfo(new JobName("ws/2"), "alice", WS, true, 30, 1.0, 10 * MIB, 0, 0);
        JobInfo sleeping = new JobInfo(new JobName("ws/3"), "alice", WS, false, 30, 0.05, 10 * MIB, 0, 0);
        JobInfo justMoved = new JobInfo(new JobName("h9/4"), "bob", new NodeName("h9"), false, 30, 1.0, 10 * MIB, 1, NOW - 1_000);
        NodeState ws = new NodeState(vector("ws", 1, 3, 1, true), List.of(old, pinned, sleeping, justMoved));

        List<Rebalancer.Move> moves = rebalancer.plan(ws, view(vector("h1", 2, 0, 0, true)), cost, NOW, random);

        assertEquals(1, moves.size(), moves.toString());
        assertEquals(new JobName("ws/1"), moves.get(0).job().id());
        assertEquals(new NodeName("h1"), moves.get(0).destination());
        assertTrue(moves.get(0).why().startsWith("load: "), moves.get(0).why());
    }

    @Test
    void aPeerThatTakesNoGuestsOrHasNoPlaceLeftIsNeverChosen() {
        Rebalancer rebalancer = new Rebalancer(MigrationPolicy.defaults(), true);
        List<JobInfo> jobs = new ArrayList<>(IntStream.rangeClosed(1, 4).mapToObj(i -> job("ws/" + i, WS, 0.05, 0)).toList());
        jobs.add(job("ws/9", WS, 60, 0));
        NodeState ws = new NodeState(vector("ws", 1, 5, 0, true), jobs);
        LoadVector reclaimed = vector("h1", 8, 0, 0, false);
        LoadVector full = withPlaces(vector("h2", 8, 0, 0, true), 0);

        assertEquals(List.of(), rebalancer.plan(ws, view(reclaimed, full), cost, NOW, random));
    }

    private static JobInfo job(String id, NodeName home, double work, int migrations) {
        return new JobInfo(new JobName(id), "alice", home, false, work, 1.0, 2 * MIB, migrations, 0);
    }

    private static LoadVector vector(String node, double cpus, int homeJobs, int guestJobs, boolean accepting) {
        return new LoadVector(new NodeName(node), cpus, 1.0, homeJobs, guestJobs, 0, false, 8L << 30, 16L << 30,
                new GuestOffer(accepting, 4, 0.1, 4L << 30, Set.of()), Health.OK);
    }

    private static LoadVector withPlaces(LoadVector v, int places) {
        GuestOffer o = v.offer();
        return new LoadVector(v.node(), v.cpus(), v.cpuSpeed(), v.homeJobs(), v.guestJobs(), v.ownerLoad(), v.ownerActive(),
                v.freeMemoryBytes(), v.totalMemoryBytes(),
                new GuestOffer(o.accepting(), places, o.guestCpusWhileOwnerActive(), o.guestMemoryLimitBytes(),
                        o.acceptedUsers()), v.health());
    }

    private static PoolView view(LoadVector... peers) {
        return new PoolView(List.of(peers).stream().map(peer -> new PeerInfo(peer, 500)).toList());
    }
}
