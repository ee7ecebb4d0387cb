package dev.ssi.scheduler;

import static dev.ssi.scheduler.Fixtures.MIB;
import static dev.ssi.scheduler.Fixtures.host;
import static dev.ssi.scheduler.Fixtures.job;
import static dev.ssi.scheduler.Fixtures.node;
import static dev.ssi.scheduler.Fixtures.pinned;
import static dev.ssi.scheduler.Fixtures.state;
import static dev.ssi.scheduler.Fixtures.view;
import static dev.ssi.scheduler.Fixtures.workstation;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StartPlacementTest {
    private final StartPlacement placement = new StartPlacement(Fixtures.exhaustive());
    private final JobInfo fresh = job("new", "w", 0, 50 * MIB);

    @Test
    void aBusyWorkstationStartsTheJobOnTheBestIdlePeer() {
        PoolView peers = view(host("slow", 4, 0.6, 0), host("fast", 4, 1.4, 0), host("full", 1, 1.4, 2));
        assertEquals(Optional.of(node("fast")),
                placement.choose(fresh, state(workstation("w", 4, 6)), peers, new SplittableRandom(1)));
    }

    @Test
    void anIdleWorkstationKeepsItsJobUnlessAPeerIsClearlyFaster() {
        assertEquals(Optional.empty(), placement.choose(fresh, state(workstation("w", 4, 0)),
                view(host("same", 4, 1.0, 0)), new SplittableRandom(1)));
    }

    @Test
    void aPinnedJobStartsAtHome() {
        assertEquals(Optional.empty(), placement.choose(pinned(fresh), state(workstation("w", 1, 6)),
                view(host("fast", 4, 1.4, 0)), new SplittableRandom(1)));
    }
}
