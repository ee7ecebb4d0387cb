package dev.ssi.daemon.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** reclaim.schedule as an owner writes it: what it reads, what it covers, and what it refuses. */
class ReclaimScheduleTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    /** Monday 2 March 2026 at hh:mm, plus {@code days}, in Berlin. */
    private static ZonedDateTime at(int days, int hour, int minute) {
        return LocalDateTime.of(2026, 3, 2, hour, minute).plusDays(days).atZone(BERLIN);
    }

    @Test
    void officeHoursWithALunchBreakAndSaturdayMorning() {
        ReclaimSchedule s = ReclaimSchedule.parse("Mon-Fri 09:00-12:00, Mon-Fri 13:00-17:30, Sat 10:00-12:00");
        assertTrue(s.covers(at(0, 9, 0)), "Monday 09:00, the first minute");
        assertTrue(s.covers(at(0, 11, 59)));
        assertFalse(s.covers(at(0, 12, 0)), "lunch: the end is not inside");
        assertTrue(s.covers(at(4, 17, 29)), "Friday 17:29");
        assertFalse(s.covers(at(4, 17, 30)));
        assertTrue(s.covers(at(5, 10, 30)), "Saturday morning");
        assertFalse(s.covers(at(5, 14, 0)), "Saturday afternoon");
        assertFalse(s.covers(at(6, 10, 30)), "Sunday");
        assertFalse(s.covers(at(0, 8, 59)));
    }

    @Test
    void daysAloneAreWholeDaysHoursAloneAreEveryDay() {
        ReclaimSchedule weekend = ReclaimSchedule.parse("Sat-Sun");
        assertTrue(weekend.covers(at(5, 0, 0)));
        assertTrue(weekend.covers(at(6, 23, 59)));
        assertFalse(weekend.covers(at(7, 0, 0)), "Monday again");
        ReclaimSchedule lunch = ReclaimSchedule.parse("12:00-13:00");
        for (int day = 0; day < 7; day++) {
            assertTrue(lunch.covers(at(day, 12, 30)));
            assertFalse(lunch.covers(at(day, 13, 0)));
        }
    }

    @Test
    void aRangeOfDaysMayWrapOverTheWeekend() {
        assertEquals(EnumSet.of(DayOfWeek.FRIDAY, DayOfWeek.SATURDAY, DayOfWeek.SUNDAY, DayOfWeek.MONDAY),
                ReclaimSchedule.parse("Fri-Mon 08:00-09:00").windows().get(0).days());
    }

    @Test
    void theEndOfTheDayIsWritten2400AndANightIsTwoWindows() {
        ReclaimSchedule night = ReclaimSchedule.parse("Mon 22:00-24:00, Tue 00:00-06:00");
        assertTrue(night.covers(at(0, 23, 59)));
        assertTrue(night.covers(at(1, 0, 0)));
        assertTrue(night.covers(at(1, 5, 59)));
        assertFalse(night.covers(at(1, 6, 0)));
        assertFalse(night.covers(at(0, 21, 59)));
    }

    @Test
    void localTimeHoldsAcrossTheChangeToSummerTime() {
        // 29 March 2026: Berlin's clocks go from 02:00 to 03:00.
        ReclaimSchedule early = ReclaimSchedule.parse("Sun 01:00-04:00");
        assertTrue(early.covers(LocalDateTime.of(2026, 3, 29, 1, 30).atZone(BERLIN)));
        assertTrue(early.covers(LocalDateTime.of(2026, 3, 29, 3, 30).atZone(BERLIN)));
        assertFalse(early.covers(LocalDateTime.of(2026, 3, 29, 4, 0).atZone(BERLIN)));
    }

    @Test
    void daysAndSpacesAreReadAsOwnersWriteThem() {
        assertEquals(ReclaimSchedule.parse("Mon-Fri 08:00-18:00"), ReclaimSchedule.parse("  mon-FRI   8:00-18:00 "));
        assertEquals(ReclaimSchedule.parse("Mon 08:00-09:00,Tue 08:00-09:00"),
                ReclaimSchedule.parse("Mon 08:00-09:00 ,  Tue 08:00-09:00"));
    }

    @Test
    void offOrNothingIsNoSchedule() {
        for (String off : List.of("", "  ", "off", "OFF")) {
            assertFalse(ReclaimSchedule.parse(off).isOn(), "'" + off + "'");
            assertFalse(ReclaimSchedule.parse(off).covers(at(0, 10, 0)));
        }
        assertTrue(ReclaimSchedule.parse("Mon").isOn());
    }

    @Test
    void aBadScheduleIsRefusedSayingTheKeyAndWhatIsWrong() {
        Map<String, String> bad = Map.of(
                "Mon-Fri 18:00-08:00", "ends before it starts; a window across midnight is written as two",
                "Mon 09:00-09:00", "ends before it starts",
                "Mon-Fri 08:00-25:00", "'25:00' is not a time of day",
                "Mon 08:60-09:00", "'08:60' is not a time of day",
                "Mon 24:00-24:00", "starts at 24:00",
                "Monday 08:00-09:00", "is not a window",
                "Mon-Fru 08:00-09:00", "'Fru' is not a day",
                "Mon 08:00-09:00,", "'' is not a window",
                "Mon 8-9", "is not a window",
                "08:00", "is not a window");
        bad.forEach((value, why) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReclaimSchedule.parse(value), value);
            assertTrue(e.getMessage().startsWith("'reclaim.schedule': '" + value.strip() + "': "), e.getMessage());
            assertTrue(e.getMessage().contains(why), e.getMessage());
        });
    }
}
