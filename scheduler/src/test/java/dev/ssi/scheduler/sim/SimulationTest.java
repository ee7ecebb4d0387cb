package dev.ssi.scheduler.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A small pool (60 nodes, 3 minutes of arrivals at 70 % load): behaviour, not speed. */
class SimulationTest {
    private static final SimConfig CONFIG = SimConfig.benchmark(0.7).withNodes(60).withArrivalSeconds(180);
    private static final Map<String, Outcome> OUTCOMES = new HashMap<>();
    private static Trace trace;

    @BeforeAll
    static void runAllPolicies() {
        trace = TraceGenerator.generate(CONFIG);
        for (String policy : Policies.NAMES) {
            OUTCOMES.put(policy, Policies.run(policy, CONFIG, trace));
        }
    }

    @Test
    void everyPolicyFinishesEveryJobAndNoJobBeatsTheFastestCpu() {
        for (Outcome outcome : OUTCOMES.values()) {
            assertEquals(trace.arrivals().size(), outcome.jobs());
            for (int i = 0; i < outcome.jobs(); i++) {
                assertTrue(outcome.response()[i] >= outcome.work()[i] / 1.4 - 1e-6,
                        outcome.policy() + ": job " + i + " ran faster than any CPU");
            }
        }
    }

    @Test
    void theSameTraceAndSeedGiveTheSameRun() {
        Outcome again = Policies.run("ssi (preemptive)", CONFIG, TraceGenerator.generate(CONFIG));
        assertArrayEquals(OUTCOMES.get("ssi (preemptive)").response(), again.response());
    }

    @Test
    void preemptiveMigrationHelpsLongJobsMostAndTheBoundIsBest() {
        double ssi = OUTCOMES.get("ssi (preemptive)").longJobs().mean();
        double leastLoaded = OUTCOMES.get("least-loaded at start").longJobs().mean();
        double none = OUTCOMES.get("no migration").overall().mean();
        assertTrue(ssi < leastLoaded, "ssi " + ssi + " vs least-loaded " + leastLoaded);
        assertTrue(OUTCOMES.get("least-loaded at start").overall().mean() < none);
        double bound = OUTCOMES.get("pool as one PS machine (bound)").overall().mean();
        assertTrue(Arrays.stream(new String[] {"no migration", "random at start", "least-loaded at start", "ssi (preemptive)"})
                .allMatch(p -> OUTCOMES.get(p).overall().mean() > bound));
    }

    @Test
    void onlySsiMovesRunningJobsAndOnlyPlacementPoliciesStartRemotely() {
        assertEquals(0, OUTCOMES.get("least-loaded at start").migrations());
        assertEquals(0, OUTCOMES.get("no migration").remoteStarts());
        assertTrue(OUTCOMES.get("ssi (preemptive)").migrations() > 0);
        assertTrue(OUTCOMES.get("ssi (preemptive)").bytesMoved() > 0);
    }

    @Test
    void stalenessStaysLowInASmallPool() {
        StalenessStudy.Row row = StalenessStudy.measure(50, dev.ssi.scheduler.gossip.GossipConfig.defaults(), 1);
        assertTrue(row.knownPeers() > 40, "known " + row.knownPeers());
        assertTrue(row.meanAgeSeconds() < 5, "mean age " + row.meanAgeSeconds());
    }
}
