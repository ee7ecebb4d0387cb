package dev.ssi.daemon.config;

import java.time.Duration;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Typed values of a properties file, with defaults; a bad value is an error that names its key. */
public final class Settings {
    private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m)");
    private static final Pattern BYTES = Pattern.compile("([0-9]+)([KkMmGg]?)");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9_.-]*");

    private final Properties properties;

    public Settings(Properties properties) {
        this.properties = properties;
    }

    public String text(String key, String otherwise) {
        return properties.getProperty(key, otherwise).strip();
    }

    public boolean has(String key) {
        return properties.getProperty(key) != null;
    }

    public boolean flag(String key, boolean otherwise) {
        String value = text(key, Boolean.toString(otherwise));
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad(key, value, "true or false");
        };
    }

    /** {@code 500ms}, {@code 2s}, {@code 1m}. */
    public Duration duration(String key, String otherwise) {
        String value = text(key, otherwise);
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw bad(key, value, "a duration such as 500ms, 2s or 1m");
        }
        long amount = Long.parseLong(m.group(1));
        Duration duration = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
        if (duration.isZero()) {
            throw bad(key, value, "a duration longer than zero");
        }
        return duration;
    }

    /** {@code duration} as {@link #duration} reads it, in the largest unit that keeps it exact. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    public int count(String key, int otherwise, int least) {
        String value = text(key, Integer.toString(otherwise));
        try {
            int n = Integer.parseInt(value);
            if (n >= least) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Said below.
        }
        throw bad(key, value, "a whole number of at least " + least);
    }

    /** A number in [least, most]. */
    public double number(String key, double otherwise, double least, double most) {
        String value = text(key, Double.toString(otherwise));
        try {
            double x = Double.parseDouble(value);
            if (x >= least && x <= most) {
                return x;
            }
        } catch (NumberFormatException e) {
            // Said below.
        }
        throw bad(key, value, "a number from " + least + " to " + most);
    }

    /** A whole number in [least, most]. */
    public int count(String key, int otherwise, int least, int most) {
        int n = count(key, otherwise, least);
        if (n > most) {
            throw bad(key, text(key, ""), "a whole number from " + least + " to " + most);
        }
        return n;
    }

    /** Bytes, with an optional K, M or G (powers of 1024): {@code 512M}, {@code 4G}. */
    public long bytes(String key, String otherwise) {
        String value = text(key, otherwise);
        Matcher m = BYTES.matcher(value);
        if (m.matches()) {
            int shift = switch (m.group(2).toUpperCase(java.util.Locale.ROOT)) {
                case "K" -> 10;
                case "M" -> 20;
                case "G" -> 30;
                default -> 0;
            };
            try {
                long amount = Long.parseLong(m.group(1));
                if (amount > 0 && amount <= Long.MAX_VALUE >> shift) {
                    return amount << shift;
                }
            } catch (NumberFormatException e) {
                // Said below.
            }
        }
        throw bad(key, value, "a size such as 512M or 4G");
    }

    /** A comma-separated list of names; empty when the key is absent or blank. */
    public java.util.Set<String> names(String key) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (String name : text(key, "").split(",")) {
            String n = name.strip();
            if (n.isEmpty()) {
                continue;
            }
            if (!NAME.matcher(n).matches()) {
                throw bad(key, n, "a user name");
            }
            names.add(n);
        }
        return java.util.Collections.unmodifiableSet(names);
    }

    public static IllegalArgumentException bad(String key, String value, String expected) {
        return new IllegalArgumentException("'" + key + "': '" + value + "' is not " + expected);
    }
}
