package dev.ssi.daemon.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ssi.scheduler.HostMode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When a host counts as reclaimed: drained, stopping, or its owner seen within the idle time where that rule is on. */
class ReclaimTest {
    private static final ReclaimConfig OWNER_LOAD_ON = new ReclaimConfig(true, 0.5, Duration.ofSeconds(60),
            Duration.ofSeconds(10), Duration.ofSeconds(30));

    @Test
    void theOwnersLoadReclaimsTheHostUntilTheOwnerHasBeenIdleLongEnough() {
        Reclaim reclaim = new Reclaim(OWNER_LOAD_ON);
        assertEquals(HostMode.OPEN, reclaim.mode(false, 1_000));
        assertEquals(HostMode.RECLAIMING, reclaim.mode(true, 2_000));
        assertEquals(HostMode.RECLAIMING, reclaim.mode(false, 61_999), "idle, but not for 60 s yet");
        assertEquals(HostMode.OPEN, reclaim.mode(false, 62_000));
    }

    @Test
    void withTheRuleOffTheOwnersLoadReclaimsNothing() {
        Reclaim reclaim = new Reclaim(new ReclaimConfig(false, 0.5, Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(30)));
        assertEquals(HostMode.OPEN, reclaim.mode(true, 1_000));
    }

    @Test
    void aDrainHoldsWhateverTheOwnerDoesUntilUndrained() {
        Reclaim reclaim = new Reclaim(OWNER_LOAD_ON);
        reclaim.drain(true);
        assertEquals(HostMode.RECLAIMING, reclaim.mode(false, 1_000));
        assertEquals(HostMode.RECLAIMING, reclaim.mode(false, 1_000_000));
        reclaim.drain(false);
        assertEquals(HostMode.OPEN, reclaim.mode(false, 1_000_001));
    }

    @Test
    void aStoppingHostStaysReclaimed() {
        Reclaim reclaim = new Reclaim(OWNER_LOAD_ON);
        reclaim.stopping();
        reclaim.drain(false);
        assertEquals(HostMode.RECLAIMING, reclaim.mode(false, 1_000));
    }

    @Test
    void guestsHaveTheDeadlineFromWhenTheHostWasReclaimedOn() {
        Reclaim reclaim = new Reclaim(OWNER_LOAD_ON);
        reclaim.mode(false, 1_000);
        assertEquals(Long.MAX_VALUE, reclaim.evacuationDeadlineMillis(), "no deadline while the host is open");
        reclaim.drain(true);
        reclaim.mode(false, 5_000);
        reclaim.mode(false, 9_000);
        assertEquals(35_000, reclaim.evacuationDeadlineMillis(), "30 s from the first reclaimed round");
        reclaim.drain(false);
        reclaim.mode(false, 40_000);
        assertEquals(Long.MAX_VALUE, reclaim.evacuationDeadlineMillis());
    }
}
