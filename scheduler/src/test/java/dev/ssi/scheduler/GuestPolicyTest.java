package dev.ssi.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class GuestPolicyTest {
    private final GuestPolicy policy = GuestPolicy.defaults();
    private final OwnerActivity away = new OwnerActivity(0.0, 3_600_000);

    @Test
    void anIdleMachineIsOpenAndOffersItsTerms() {
        assertEquals(HostMode.OPEN, policy.mode(away));
        GuestOffer offer = policy.offer(HostMode.OPEN);
        assertTrue(offer.accepting());
        assertEquals(10, offer.maxGuestJobs());
        assertEquals(0.1, offer.guestCpusWhileOwnerActive());
    }

    @Test
    void recentInputOrOwnLoadMeansTheOwnerIsBackAndGuestsMustLeave() {
        assertEquals(HostMode.RECLAIMING, policy.mode(new OwnerActivity(0.0, 5_000)));
        assertEquals(HostMode.RECLAIMING, policy.mode(new OwnerActivity(1.0, 3_600_000)));
        assertFalse(policy.offer(HostMode.RECLAIMING).accepting());
    }

    @Test
    void withoutEvacuationTheOwnersReturnOnlyCapsGuests() {
        GuestPolicy stay = new GuestPolicy(19, 1, 0.1, 1L << 30, 4, Set.of(), true,
                new ReclaimRules(0.5, 60_000, false, 10_000));
        assertEquals(HostMode.OWNER_ACTIVE, stay.mode(new OwnerActivity(2.0, 0)));
        assertFalse(stay.offer(HostMode.OWNER_ACTIVE).accepting());
    }

    @Test
    void aBlockedMachineIsClosed() {
        GuestPolicy blocked = new GuestPolicy(19, 1, 0.1, 1L << 30, 4, Set.of(), false, ReclaimRules.defaults());
        assertEquals(HostMode.CLOSED, blocked.mode(away));
        assertFalse(blocked.offer(HostMode.CLOSED).accepting());
    }

    @Test
    void impossibleTermsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new GuestPolicy(25, 1, 0.1, 0, 1, Set.of(), true, ReclaimRules.defaults()));
        assertThrows(IllegalArgumentException.class,
                () -> new GuestPolicy(19, 1, 0.1, 0, -1, Set.of(), true, ReclaimRules.defaults()));
    }
}
