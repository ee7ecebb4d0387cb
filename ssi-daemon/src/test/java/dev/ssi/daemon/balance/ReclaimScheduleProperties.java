package dev.ssi.daemon.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** reclaim.schedule against a plain reading of what a window means, for any window, instant and zone. */
class ReclaimScheduleProperties {
    /** A window as written, with what it means: days from..to (wrapping), minutes [start, end). */
    record Written(DayOfWeek from, DayOfWeek to, int start, int end) {
        String text() {
            return name(from) + "-" + name(to) + " " + time(start) + "-" + time(end);
        }

        boolean covers(ZonedDateTime when) {
            int span = Math.floorMod(to.getValue() - from.getValue(), 7);
            int offset = Math.floorMod(when.getDayOfWeek().getValue() - from.getValue(), 7);
            int minute = when.getHour() * 60 + when.getMinute();
            return offset <= span && minute >= start && minute < end;
        }
    }

    @Provide
    Arbitrary<Written> windows() {
        Arbitrary<DayOfWeek> day = Arbitraries.of(DayOfWeek.class);
        Arbitrary<int[]> minutes = Arbitraries.integers().between(0, 1439)
                .flatMap(start -> Arbitraries.integers().between(start + 1, 1440).map(end -> new int[] {start, end}));
        return Combinators.combine(day, day, minutes).as((from, to, m) -> new Written(from, to, m[0], m[1]));
    }

    @Provide
    Arbitrary<ZonedDateTime> instants() {
        Arbitrary<Instant> instant = Arbitraries.longs().between(0, 4_102_444_800L).map(Instant::ofEpochSecond);
        Arbitrary<ZoneId> zone = Arbitraries.of("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata",
                "Australia/Lord_Howe", "Pacific/Kiritimati").map(ZoneId::of);
        return Combinators.combine(instant, zone).as(Instant::atZone);
    }

    @Property
    void aWindowCoversExactlyItsDaysAndMinutesInLocalTime(@ForAll("windows") Written window,
            @ForAll("instants") ZonedDateTime when) {
        assertEquals(window.covers(when), ReclaimSchedule.parse(window.text()).covers(when), window.text() + " at " + when);
    }

    @Property
    void severalWindowsCoverTheirUnion(@ForAll @Size(min = 1, max = 5) List<@From("windows") Written> windows,
            @ForAll("instants") ZonedDateTime when) {
        String text = String.join(", ", windows.stream().map(Written::text).toList());
        assertEquals(windows.stream().anyMatch(w -> w.covers(when)), ReclaimSchedule.parse(text).covers(when), text);
    }

    @Property
    void daysAloneAreTheWholeDay(@ForAll("windows") Written window, @ForAll("instants") ZonedDateTime when) {
        Written whole = new Written(window.from(), window.to(), 0, 1440);
        assertEquals(ReclaimSchedule.parse(whole.text()).covers(when),
                ReclaimSchedule.parse(name(window.from()) + "-" + name(window.to())).covers(when));
    }

    @Property
    void aWindowThatEndsBeforeItStartsIsRefusedNamingTheKey(@ForAll @IntRange(min = 0, max = 1439) int start,
            @ForAll @IntRange(min = 0, max = 1439) int end) {
        Assume.that(end <= start);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReclaimSchedule.parse("Mon " + time(start) + "-" + time(end)));
        assertTrue(e.getMessage().startsWith("'reclaim.schedule': "), e.getMessage());
    }

    private static String name(DayOfWeek day) {
        return day.name().charAt(0) + day.name().substring(1, 3).toLowerCase(java.util.Locale.ROOT);
    }

    private static String time(int minute) {
        return String.format("%02d:%02d", minute / 60, minute % 60);
    }
}
