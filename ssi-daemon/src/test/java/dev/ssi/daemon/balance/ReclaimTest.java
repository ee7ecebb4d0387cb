package dev.ssi.daemon.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.daemon.balance.Reclaim.Reason;
import dev.ssi.daemon.balance.input.InputActivity;
import dev.ssi.daemon.balance.input.Pty;
import dev.ssi.scheduler.HostMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * When a host counts as reclaimed, and why: drained, stopping, or — each where its rule is on —
 * its owner's load or input seen within the idle time, or a window of its schedule. Input is
 * shown with a real terminal that a real program reads.
 */
class ReclaimTest {
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final ReclaimConfig OWNER_LOAD_ON = config(Map.of("reclaim.owner-load", "true", "reclaim.input", "false"));
    /** Monday 2 March 2026, 09:30 UTC. */
    private static final long MONDAY_MORNING = ZonedDateTime.of(2026, 3, 2, 9, 30, 0, 0, UTC).toInstant().toEpochMilli();
    private static final long HOUR = TimeUnit.HOURS.toMillis(1);

    private static ReclaimConfig config(Map<String, String> settings) {
        Properties properties = new Properties();
        properties.putAll(settings);
        return ReclaimConfig.read(properties);
    }

    private static Reclaim withoutInput(ReclaimConfig config, ZoneId zone) {
        return new Reclaim(config, zone, c -> InputActivity.none());
    }

    @Test
    void theDefaultsWatchInputAtTheConsolesOnlyAndNothingElse() {
        ReclaimConfig defaults = config(Map.of());
        assertTrue(defaults.onInput());
        assertEquals("/dev/tty[0-9]*", defaults.inputTtys());
        assertEquals(false, defaults.onOwnerLoad());
        assertEquals(false, defaults.schedule().isOn());
        assertEquals(Duration.ofSeconds(60), defaults.idleAfter());
    }

    @Test
    void aBadValueNamesItsKey() {
        for (Map.Entry<String, String> bad : Map.of("reclaim.input", "yes", "reclaim.input-ttys", "tty1",
                "reclaim.schedule", "Mon-Fri 18:00-08:00", "reclaim.idle-after", "soon").entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config(Map.ofEntries(bad)));
            assertTrue(e.getMessage().startsWith("'" + bad.getKey() + "': "), e.getMessage());
        }
    }

    @Test
    void theOwnersLoadReclaimsTheHostUntilTheOwnerHasBeenIdleLongEnough() {
        Reclaim reclaim = withoutInput(OWNER_LOAD_ON, UTC);
        assertEquals(HostMode.OPEN, reclaim.mode(0.0, 1_000));
        assertEquals(HostMode.OPEN, reclaim.mode(0.5, 1_500), "at the threshold, not above it");
        assertEquals(HostMode.RECLAIMING, reclaim.mode(1.0, 2_000));
        assertEquals(Set.of(Reason.OWNER_LOAD), reclaim.reasons());
        assertEquals(HostMode.RECLAIMING, reclaim.mode(0.0, 61_999), "idle, but not for 60 s yet");
        assertEquals(HostMode.OPEN, reclaim.mode(0.0, 62_000));
        assertEquals(Set.of(), reclaim.reasons());
    }

    @Test
    void withTheRuleOffTheOwnersLoadReclaimsNothing() {
        Reclaim reclaim = withoutInput(config(Map.of("reclaim.owner-load", "false")), UTC);
        assertEquals(HostMode.OPEN, reclaim.mode(1.0, 1_000));
    }

    @Test
    void aDrainHoldsWhateverTheOwnerDoesUntilUndrained() {
        Reclaim reclaim = withoutInput(OWNER_LOAD_ON, UTC);
        reclaim.drain(true);
        assertEquals(HostMode.RECLAIMING, reclaim.mode(0.0, 1_000));
        assertEquals(Set.of(Reason.DRAINED), reclaim.reasons());
        assertEquals(HostMode.RECLAIMING, reclaim.mode(0.0, 1_000_000));
        reclaim.drain(false);
        assertEquals(HostMode.OPEN, reclaim.mode(0.0, 1_000_001));
    }

    @Test
    void aStoppingHostStaysReclaimed() {
        Reclaim reclaim = withoutInput(OWNER_LOAD_ON, UTC);
        reclaim.stopping();
        reclaim.drain(false);
        assertEquals(HostMode.RECLAIMING, reclaim.mode(0.0, 1_000));
        assertEquals(Set.of(Reason.STOPPING), reclaim.reasons());
    }

    @Test
    void theScheduleReclaimsTheHostInsideItsWindowsAndOnlyThere() {
        Reclaim reclaim = withoutInput(config(Map.of("reclaim.schedule", "Mon-Fri 08:00-18:00")), UTC);
        assertEquals(HostMode.RECLAIMING, reclaim.mode(0.0, MONDAY_MORNING));
        assertEquals(Set.of(Reason.SCHEDULE), reclaim.reasons());
        assertEquals(HostMode.OPEN, reclaim.mode(0.0, MONDAY_MORNING + 9 * HOUR), "Monday 18:30");
        assertEquals(HostMode.OPEN, reclaim.mode(0.0, MONDAY_MORNING + 5 * 24 * HOUR), "Saturday");
        assertEquals(HostMode.OPEN, reclaim.mode(0.0, MONDAY_MORNING - 2 * HOUR), "Monday 07:30: no idle time after a window");
    }

    @Test
    void theScheduleIsInTheHostsOwnTimeZone() {
        ReclaimConfig officeHours = config(Map.of("reclaim.schedule", "Mon-Fri 08:00-18:00"));
        long mondayEarly = MONDAY_MORNING - 2 * HOUR; // 07:30 in London, 08:30 in Berlin (winter time)
        assertEquals(HostMode.OPEN, withoutInput(officeHours, ZoneId.of("Europe/London")).mode(0.0, mondayEarly));
        assertEquals(HostMode.RECLAIMING, withoutInput(officeHours, ZoneId.of("Europe/Berlin")).mode(0.0, mondayEarly));
    }

    @Test
    void everyRuleThatHoldsIsGivenAsAReason() {
        Reclaim reclaim = withoutInput(config(Map.of("reclaim.owner-load", "true", "reclaim.schedule", "Mon")), UTC);
        reclaim.drain(true);
        reclaim.mode(1.0, MONDAY_MORNING);
        assertEquals(EnumSet.of(Reason.DRAINED, Reason.OWNER_LOAD, Reason.SCHEDULE), reclaim.reasons());
        assertEquals("owner-load", Reason.OWNER_LOAD.label());
    }

    @Test
    void typingAtAWatchedTerminalReclaimsTheHostUntilTheOwnerHasBeenIdleLongEnough() throws Exception {
        try (Pty pty = Pty.open()) {
            pty.lastTypedAt(Instant.now().minus(Duration.ofHours(1)));
            try (Reclaim reclaim = new Reclaim(config(Map.of("reclaim.input-ttys", pty.path().toString(),
                    "reclaim.idle-after", "30s")))) {
                assertEquals(HostMode.OPEN, reclaim.mode(0.0, System.currentTimeMillis()), "nobody typed for an hour");
                pty.type("vi notes.txt");
                awaitMode(reclaim, HostMode.RECLAIMING, System.currentTimeMillis());
                assertEquals(Set.of(Reason.INPUT), reclaim.reasons());
                long typedAt = pty.accessTime().toEpochMilli();
                assertEquals(HostMode.RECLAIMING, reclaim.mode(0.0, typedAt + 29_999));
                assertEquals(HostMode.OPEN, reclaim.mode(0.0, typedAt + 30_000), "idle for 30 s");
            }
        }
    }

    @Test
    void withTheInputRuleOffTypingReclaimsNothing() throws Exception {
        try (Pty pty = Pty.open()) {
            pty.lastTypedAt(Instant.now().minus(Duration.ofHours(1)));
            pty.type("ls");
            Thread.sleep(500);
            try (Reclaim reclaim = new Reclaim(config(Map.of("reclaim.input", "false",
                    "reclaim.input-ttys", pty.path().toString())))) {
                assertEquals(HostMode.OPEN, reclaim.mode(0.0, System.currentTimeMillis()));
            }
        }
    }

    @Test
    void newRulesApplyFromTheNextRound() throws Exception {
        try (Pty pty = Pty.open()) {
            pty.lastTypedAt(Instant.now().minus(Duration.ofHours(1)));
            pty.type("make");
            try (Reclaim reclaim = new Reclaim(config(Map.of("reclaim.input-ttys", "/dev/no-such-tty")))) {
                assertEquals(HostMode.OPEN, reclaim.mode(0.0, System.currentTimeMillis()), "not the watched terminal");
                reclaim.reconfigure(config(Map.of("reclaim.input-ttys", pty.path().toString())));
                awaitMode(reclaim, HostMode.RECLAIMING, System.currentTimeMillis());
                reclaim.reconfigure(config(Map.of("reclaim.input", "false", "reclaim.schedule", "Mon-Sun")));
                assertEquals(HostMode.RECLAIMING, reclaim.mode(0.0, System.currentTimeMillis()));
                assertEquals(Set.of(Reason.SCHEDULE), reclaim.reasons(), "input off, the schedule on");
            }
        }
    }

    @Test
    void aNewOwnerLoadThresholdAppliesFromTheNextRound() {
        Reclaim reclaim = withoutInput(config(Map.of("reclaim.owner-load", "true", "reclaim.owner-load-threshold", "2")), UTC);
        assertEquals(HostMode.OPEN, reclaim.mode(1.0, 1_000), "one busy process is not the owner, here");
        reclaim.reconfigure(config(Map.of("reclaim.owner-load", "true", "reclaim.owner-load-threshold", "0.5")));
        assertEquals(HostMode.RECLAIMING, reclaim.mode(1.0, 2_000));
    }

    /** Until the host is in {@code mode} at {@code nowMillis}: the reader of the pty reads when it is scheduled. */
    private static void awaitMode(Reclaim reclaim, HostMode mode, long nowMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (reclaim.mode(0.0, nowMillis) != mode && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(mode, reclaim.mode(0.0, nowMillis));
    }

    @Test
    void guestsHaveTheDeadlineFromWhenTheHostWasReclaimedOn() {
        Reclaim reclaim = withoutInput(OWNER_LOAD_ON, UTC);
        reclaim.mode(0.0, 1_000);
        assertEquals(Long.MAX_VALUE, reclaim.evacuationDeadlineMillis(), "no deadline while the host is open");
        reclaim.drain(true);
        reclaim.mode(0.0, 5_000);
        reclaim.mode(0.0, 9_000);
        assertEquals(35_000, reclaim.evacuationDeadlineMillis(), "30 s from the first reclaimed round");
        reclaim.drain(false);
        reclaim.mode(0.0, 40_000);
        assertEquals(Long.MAX_VALUE, reclaim.evacuationDeadlineMillis());
    }

    @Test
    void aChangeGivesNewRulesAndABadOneNamesItsKey() {
        ReclaimConfig before = config(Map.of("reclaim.idle-after", "20s"));
        ReclaimConfig after = before.with(Map.of("reclaim.schedule", "Mon-Sun", "reclaim.input", "false"));
        assertTrue(after.schedule().isOn());
        assertEquals(false, after.onInput());
        assertEquals(Duration.ofSeconds(20), after.idleAfter(), "what was not changed stays");
        assertEquals("Mon-Sun", after.settings().get("reclaim.schedule"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> before.with(Map.of("reclaim.colour", "blue")));
        assertTrue(unknown.getMessage().contains("'reclaim.colour'"), unknown.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> before.with(Map.of("reclaim.deadline", "soon")));
        assertTrue(bad.getMessage().startsWith("'reclaim.deadline': "), bad.getMessage());
    }
}
