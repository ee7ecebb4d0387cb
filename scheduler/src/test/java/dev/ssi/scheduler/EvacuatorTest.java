package dev.ssi.scheduler;

import static dev.ssi.scheduler.Fixtures.GIB;
import static dev.ssi.scheduler.Fixtures.MIB;
import static dev.ssi.scheduler.Fixtures.closed;
import static dev.ssi.scheduler.Fixtures.host;
import static dev.ssi.scheduler.Fixtures.job;
import static dev.ssi.scheduler.Fixtures.node;
import static dev.ssi.scheduler.Fixtures.state;
import static dev.ssi.scheduler.Fixtures.view;
import static dev.ssi.scheduler.Fixtures.withOffer;
import static dev.ssi.scheduler.Fixtures.workstation;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EvacuatorTest {
    private final Evacuator evacuator = new Evacuator(Fixtures.exhaustive());
    private final LoadVector reclaimed = new LoadVector(node("r"), 4, 1.0, 1, 3, 0, true, 16 * GIB, 16 * GIB,
            closed(), Health.OK);

    private List<EvacuationStep> plan(NodeState self, PoolView view) {
        return evacuator.plan(self, view, TransferCost.lanDefaults(), new SplittableRandom(3));
    }

    @Test
    void everyGuestLeavesForTheBestNodeAndTheOwnersOwnJobsStay() {
        NodeState self = state(reclaimed, job("own", "r", 100, MIB), job("g1", "w", 500, MIB), job("g2", "w", 5, MIB));
        List<EvacuationStep> steps = plan(self, view(host("fast", 4, 1.4, 0), host("slow", 4, 0.6, 0)));
        assertEquals(List.of(new EvacuationStep.Move(new JobName("g1"), node("fast")),
                new EvacuationStep.Move(new JobName("g2"), node("fast"))), steps);
    }

    @Test
    void whatNoNodeCanTakeIsFrozen() {
        NodeState self = state(reclaimed, job("g1", "w", 500, MIB));
        assertEquals(List.of(new EvacuationStep.Freeze(new JobName("g1"))),
                plan(self, view(withOffer(host("closed", 4, 1, 0), closed()))));
    }

    @Test
    void evacuationRespectsTheCapsOfTheNodesItFills() {
        NodeState self = state(reclaimed, job("g1", "w", 500, MIB), job("g2", "w", 400, MIB), job("g3", "w", 300, MIB));
        List<EvacuationStep> steps = plan(self, view(withOffer(host("h", 8, 1, 0), Fixtures.open(2))));
        assertEquals(List.of(new EvacuationStep.Move(new JobName("g1"), node("h")),
                new EvacuationStep.Move(new JobName("g2"), node("h")),
                new EvacuationStep.Freeze(new JobName("g3"))), steps);
    }

    @Test
    void aGuestGoesBackToItsHomeOnlyWhileTheHomeTakesGuests() {
        NodeState self = state(reclaimed, job("g1", "w", 500, MIB));
        LoadVector openHome = withOffer(workstation("w", 4, 0), Fixtures.open(4));
        assertEquals(List.of(new EvacuationStep.Move(new JobName("g1"), node("w"))), plan(self, view(openHome)));
        assertEquals(List.of(new EvacuationStep.Freeze(new JobName("g1"))), plan(self, view(workstation("w", 4, 0))),
                "a home reclaimed by its own owner keeps the job frozen");
    }

    @Test
    void aFrozenJobThawsAtItsHomeWhenTheHomeTakesGuestsElseWhereANodeTakesIt() {
        JobInfo frozen = job("g1", "w", 500, MIB);
        LoadVector closedHome = workstation("w", 4, 0);
        LoadVector openHome = withOffer(closedHome, Fixtures.open(4));
        var random = new SplittableRandom(5);
        var lan = TransferCost.lanDefaults();
        assertEquals(java.util.Optional.of(node("w")), evacuator.thawAt(frozen, openHome, view(host("h", 4, 1, 0)), lan, random));
        assertEquals(java.util.Optional.of(node("h")), evacuator.thawAt(frozen, closedHome, view(host("h", 4, 1, 0)), lan, random));
        assertEquals(java.util.Optional.empty(), evacuator.thawAt(frozen, closedHome,
                view(withOffer(host("h", 4, 1, 0), closed())), lan, random), "no node takes it: it stays frozen");
    }
}
