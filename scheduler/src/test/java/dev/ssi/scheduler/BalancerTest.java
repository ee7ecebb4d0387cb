package dev.ssi.scheduler;

import static dev.ssi.scheduler.Fixtures.GIB;
import static dev.ssi.scheduler.Fixtures.MIB;
import static dev.ssi.scheduler.Fixtures.closed;
import static dev.ssi.scheduler.Fixtures.host;
import static dev.ssi.scheduler.Fixtures.job;
import static dev.ssi.scheduler.Fixtures.moved;
import static dev.ssi.scheduler.Fixtures.node;
import static dev.ssi.scheduler.Fixtures.pinned;
import static dev.ssi.scheduler.Fixtures.state;
import static dev.ssi.scheduler.Fixtures.view;
import static dev.ssi.scheduler.Fixtures.withFreeMemory;
import static dev.ssi.scheduler.Fixtures.withOffer;
import static dev.ssi.scheduler.Fixtures.workstation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BalancerTest {
    private static final TransferCost COST = TransferCost.lanDefaults();
    private final Balancer balancer = new Balancer(Fixtures.exhaustive());

    /** Workstation w with 1 CPU running its own four jobs. */
    private final LoadVector overloaded = workstation("w", 1, 4);

    private List<Decision> decide(NodeState self, PoolView view, long now) {
        return balancer.decide(self, view, COST, now, new SplittableRandom(7));
    }

    @Test
    void anOldCpuBoundJobLeavesAnOverloadedNodeForAnIdleOne() {
        JobInfo old = job("old", "w", 600, 100 * MIB);
        List<Decision> decisions = decide(state(overloaded, old, job("a", "w", 0.5, 100 * MIB),
                job("b", "w", 0.5, 100 * MIB), job("c", "w", 0.5, 100 * MIB)), view(host("idle", 4, 1, 0)), 60_000);
        assertEquals(1, decisions.size());
        assertEquals(new JobName("old"), decisions.get(0).job());
        assertEquals(node("idle"), decisions.get(0).destination());
        assertEquals(Decision.Reason.LOAD, decisions.get(0).reason());
        assertTrue(decisions.get(0).expectedGainSeconds() > 2 * decisions.get(0).costSeconds());
    }

    @Test
    void aYoungJobIsNotWorthItsMove() {
        JobInfo young = job("young", "w", 1, GIB);
        assertEquals(List.of(), decide(state(overloaded, young), view(host("idle", 4, 1, 0)), 60_000));
    }

    @Test
    void aJobThatWaitsOnIoStays() {
        JobInfo io = new JobInfo(new JobName("io"), "alice", node("w"), false, 600, 0.1, MIB, 0, 0);
        assertEquals(List.of(), decide(state(overloaded, io), view(host("idle", 4, 1, 0)), 60_000));
    }

    @Test
    void theOwnersPinnedJobsNeverMove() {
        JobInfo own = pinned(job("own", "w", 6000, MIB));
        assertEquals(List.of(), decide(state(overloaded, own), view(host("idle", 4, 1, 0)), 60_000));
    }

    @Test
    void theDestinationIsWhereTheJobFinishesSoonest() {
        JobInfo old = job("old", "w", 600, 100 * MIB);
        PoolView peers = view(host("slow", 4, 0.6, 0), host("busy-fast", 1, 2.0, 3), host("fast", 2, 1.4, 1));
        assertEquals(node("fast"), decide(state(overloaded, old), peers, 60_000).get(0).destination());
    }

    @Test
    void hysteresisKeepsAJobWhereAnotherNodeIsOnlyAlittleFaster() {
        LoadVector alone = host("here", 1, 1.0, 1);
        JobInfo guest = job("g", "w", 6000, MIB);
        assertEquals(List.of(), decide(state(alone, guest), view(host("bit-faster", 1, 1.2, 0)), 60_000));
        assertEquals(1, decide(state(alone, guest), view(host("faster", 1, 1.4, 0)), 60_000).size());
    }

    @Test
    void theMigrationBudgetAndResidenceTimeStopPingPong() {
        JobInfo old = job("old", "w", 600, MIB);
        PoolView idle = view(host("idle", 4, 1, 0));
        long now = 100_000;
        JobInfo justMoved = moved(old, 1, now - 1_000);
        assertEquals(List.of(), decide(state(overloaded, justMoved), idle, now));
        JobInfo settled = moved(old, 1, now - 60_000);
        assertEquals(1, decide(state(overloaded, settled), idle, now).size());
        JobInfo spent = moved(old, MigrationPolicy.defaults().maxMigrationsPerJob(), 0);
        assertEquals(List.of(), decide(state(overloaded, spent), idle, now));
    }

    @Test
    void oneRoundNeverPlansMoreGuestsThanADestinationsCap() {
        LoadVector packed = workstation("w", 1, 12);
        JobInfo[] jobs = IntStream.range(0, 12).mapToObj(i -> job("j" + i, "w", 1000, MIB)).toArray(JobInfo[]::new);
        LoadVector smallCap = withOffer(host("h", 16, 1, 1), Fixtures.open(3));
        List<Decision> decisions = decide(state(packed, jobs), view(smallCap), 60_000);
        assertEquals(2, decisions.size());
    }

    @Test
    void aNodeBeingReclaimedOrUnhealthyOrKnownOnlyFromOldNewsTakesNone() {
        JobInfo old = job("old", "w", 600, MIB);
        LoadVector reclaimed = withOffer(host("reclaimed", 8, 2, 0), closed());
        LoadVector v = host("sick", 8, 2, 0);
        LoadVector sick = new LoadVector(v.node(), 8, 2, 0, 0, 0, false, v.freeMemoryBytes(), v.totalMemoryBytes(),
                v.offer(), Health.FAILING);
        PeerInfo stale = new PeerInfo(host("stale", 8, 2, 0), MigrationPolicy.defaults().maxInfoAgeMillis() + 1);
        PoolView peers = new PoolView(List.of(new PeerInfo(reclaimed, 0), new PeerInfo(sick, 0), stale));
        assertEquals(List.of(), decide(state(overloaded, old), peers, 60_000));
    }

    @Test
    void memoryPressureUshersTheBiggestJobAwayEvenWithoutCpuGain() {
        LoadVector tight = withFreeMemory(host("tight", 8, 1.0, 2), 100 * MIB);
        JobInfo big = job("big", "w", 2, 3 * GIB);
        JobInfo small = job("small", "w", 2, 200 * MIB);
        List<Decision> decisions = decide(state(tight, big, small), view(host("roomy", 8, 1.0, 0)), 60_000);
        assertEquals(1, decisions.size());
        assertEquals(new JobName("big"), decisions.get(0).job());
        assertEquals(Decision.Reason.MEMORY, decisions.get(0).reason());
    }

    @Test
    void aJobNeverMovesToWhereItCannotFitInMemory() {
        JobInfo old = job("old", "w", 600, 3 * GIB);
        assertEquals(List.of(), decide(state(overloaded, old), view(withFreeMemory(host("small", 4, 1, 0), 2 * GIB)), 60_000));
    }

    @Test
    void aGuestStuckBehindAReturnedOwnerGoesHomeOrElsewhere() {
        LoadVector ownerBack = new LoadVector(node("h"), 4, 1.0, 0, 1, 0, true, 16 * GIB, 16 * GIB, closed(), Health.OK);
        JobInfo guest = job("g", "w", 30, MIB);
        List<Decision> decisions = decide(state(ownerBack, guest), view(workstation("w", 4, 1)), 60_000);
        assertEquals(node("w"), decisions.get(0).destination());
    }
}
