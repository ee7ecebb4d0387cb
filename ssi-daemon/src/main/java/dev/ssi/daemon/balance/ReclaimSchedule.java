package dev.ssi.daemon.balance;

import java.time.DayOfWeek;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When the owner wants the host whatever the meters say: {@code reclaim.schedule}, windows of
 * local time separated by commas, each days and hours, e.g. {@code Mon-Fri 09:00-12:00,
 * Mon-Fri 13:00-17:30, Sat 10:00-12:00}. Days are {@code Mon} ... {@code Sun}, one or a range
 * (a range may wrap: {@code Fri-Mon}); hours are {@code HH:MM-HH:MM}, the end after the start,
 * {@code 24:00} for midnight at the end; days alone mean the whole day, hours alone every day. A window across
 * midnight is two windows ({@code Mon 22:00-24:00, Tue 00:00-06:00}): one that seems to wrap is
 * refused, as likelier a typo than meant. {@code off} or nothing: no windows.
 */
record ReclaimSchedule(List<Window> windows) {
    static final String KEY = "reclaim.schedule";
    static final ReclaimSchedule OFF = new ReclaimSchedule(List.of());

    private static final Pattern WINDOW = Pattern.compile(
            "(?:(?<from>[A-Za-z]{3})(?:-(?<to>[A-Za-z]{3}))?)?\\s*(?:(?<start>\\d{1,2}:\\d{2})-(?<end>\\d{1,2}:\\d{2}))?");
    private static final int MINUTES_A_DAY = 24 * 60;

    ReclaimSchedule {
        windows = List.copyOf(windows);
    }

    /**
     * Days of the week and the minutes of each day from {@code startMinute} (inclusive) to
     * {@code endMinute} (exclusive), {@code 0 <= start < end <= 1440}.
     */
    record Window(Set<DayOfWeek> days, int startMinute, int endMinute) {
        Window {
            if (days.isEmpty() || startMinute < 0 || endMinute > MINUTES_A_DAY || startMinute >= endMinute) {
                throw new IllegalArgumentException("no such window: " + days + " " + startMinute + "-" + endMinute);
            }
            days = Set.copyOf(days);
        }

        boolean covers(ZonedDateTime when) {
            int minute = when.getHour() * 60 + when.getMinute();
            return days.contains(when.getDayOfWeek()) && minute >= startMinute && minute < endMinute;
        }
    }

    boolean isOn() {
        return !windows.isEmpty();
    }

    /** Whether {@code when}, in the zone it is given in, lies in a window. */
    boolean covers(ZonedDateTime when) {
        return windows.stream().anyMatch(window -> window.covers(when));
    }

    /** The schedule written as {@code value}, or an error that names {@code reclaim.schedule} and what is wrong. */
    static ReclaimSchedule parse(String value) {
        String text = value.strip();
        if (text.isEmpty() || text.equalsIgnoreCase("off")) {
            return OFF;
        }
        List<Window> windows = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            windows.add(window(part.strip(), value));
        }
        return new ReclaimSchedule(windows);
    }

    private static Window window(String part, String value) {
        Matcher m = WINDOW.matcher(part);
        if (part.isEmpty() || !m.matches()) {
            throw bad(value, "'" + part + "' is not a window such as 'Mon-Fri 08:00-18:00', 'Sat' or '12:00-13:00'");
        }
        Set<DayOfWeek> days = EnumSet.allOf(DayOfWeek.class);
        if (m.group("from") != null) {
            DayOfWeek from = day(m.group("from"), value);
            DayOfWeek to = m.group("to") == null ? from : day(m.group("to"), value);
            days = EnumSet.of(from);
            for (DayOfWeek d = from; d != to; d = d.plus(1)) {
                days.add(d.plus(1));
            }
        }
        if (m.group("start") == null) {
            return new Window(days, 0, MINUTES_A_DAY);
        }
        int start = minute(m.group("start"), value);
        int end = minute(m.group("end"), value);
        if (start == MINUTES_A_DAY) {
            throw bad(value, "'" + part + "' starts at 24:00; a day starts at 00:00");
        }
        if (end <= start) {
            throw bad(value, "'" + part + "' ends before it starts; a window across midnight is written as two, "
                    + "e.g. 'Mon 22:00-24:00, Tue 00:00-06:00'");
        }
        return new Window(days, start, end);
    }

    private static DayOfWeek day(String name, String value) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (abbreviation(d).equalsIgnoreCase(name)) {
                return d;
            }
        }
        throw bad(value, "'" + name + "' is not a day; days are Mon, Tue, Wed, Thu, Fri, Sat, Sun");
    }

    private static int minute(String hhmm, String value) {
        int colon = hhmm.indexOf(':');
        int hours = Integer.parseInt(hhmm.substring(0, colon));
        int minutes = Integer.parseInt(hhmm.substring(colon + 1));
        if (minutes > 59 || hours > 24 || hours == 24 && minutes > 0) {
            throw bad(value, "'" + hhmm + "' is not a time of day from 00:00 to 24:00");
        }
        return hours * 60 + minutes;
    }

    private static IllegalArgumentException bad(String value, String why) {
        return new IllegalArgumentException("'" + KEY + "': '" + value.strip() + "': " + why);
    }

    private static String abbreviation(DayOfWeek day) {
        String name = day.name();
        return name.charAt(0) + name.substring(1, 3).toLowerCase(Locale.ROOT);
    }
}
