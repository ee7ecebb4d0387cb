package dev.ssi.scheduler;

import static dev.ssi.scheduler.Fixtures.GIB;
import static dev.ssi.scheduler.Fixtures.closed;
import static dev.ssi.scheduler.Fixtures.host;
import static dev.ssi.scheduler.Fixtures.job;
import static dev.ssi.scheduler.Fixtures.withFreeMemory;
import static dev.ssi.scheduler.Fixtures.withOffer;
import static dev.ssi.scheduler.Fixtures.workstation;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class AdmissionTest {
    private final JobInfo guest = job("j1", "w", 50, GIB);

    @Test
    void anOpenHostWithRoomAccepts() {
        assertEquals(Verdict.ACCEPT, Admission.check(host("h", 2, 1, 0), guest));
    }

    @Test
    void neverMoreGuestsThanTheCap() {
        LoadVector full = withOffer(host("h", 8, 1, 3), Fixtures.open(3));
        assertEquals(Verdict.GUEST_CAP_REACHED, Admission.check(full, guest));
    }

    @Test
    void aHostBeingReclaimedTakesNone() {
        assertEquals(Verdict.NOT_ACCEPTING, Admission.check(withOffer(host("h", 8, 1, 0), closed()), guest));
    }

    @Test
    void onlyAcceptedUsers() {
        LoadVector bobsOnly = withOffer(host("h", 8, 1, 0), new GuestOffer(true, 10, 0.1, 4 * GIB, Set.of("bob")));
        assertEquals(Verdict.USER_NOT_ACCEPTED, Admission.check(bobsOnly, guest));
    }

    @Test
    void memoryMustFitTheHostAndTheGuestLimit() {
        assertEquals(Verdict.NOT_ENOUGH_MEMORY, Admission.check(withFreeMemory(host("h", 8, 1, 0), GIB / 2), guest));
        LoadVector smallLimit = withOffer(host("h", 8, 1, 0), new GuestOffer(true, 10, 0.1, GIB / 2, Set.of()));
        assertEquals(Verdict.NOT_ENOUGH_MEMORY, Admission.check(smallLimit, guest));
    }

    @Test
    void anUnhealthyHostTakesNone() {
        LoadVector v = host("h", 8, 1, 0);
        LoadVector degraded = new LoadVector(v.node(), v.cpus(), v.cpuSpeed(), 0, 0, 0, false, v.freeMemoryBytes(),
                v.totalMemoryBytes(), v.offer(), Health.DEGRADED);
        assertEquals(Verdict.UNHEALTHY, Admission.check(degraded, guest));
    }

    @Test
    void aJobMayAlwaysComeHomeIfItFits() {
        assertEquals(Verdict.ACCEPT, Admission.check(workstation("w", 4, 8), guest));
    }
}
