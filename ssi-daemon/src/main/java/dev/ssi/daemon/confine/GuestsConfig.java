package dev.ssi.daemon.confine;

import dev.ssi.daemon.config.Settings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;

/**
 * This host owner's terms for guest jobs (jobs whose home is another node): ssid's keys for
 * them, with their defaults. All guests together run in one cgroup, {@code ssi-guests-*}, under
 * the cgroup ssid runs in.
 * <pre>
 * guests.max         most guest jobs this node takes at once                       4
 * guests.nice        nice level of every thread of a guest job, 0 to 19            19
 * guests.cpu-weight  CPU weight of the guests' cgroup on the cgroup v2 scale, 1 to
 *                    10000 (ssid's own and the owner's is 100); on cgroup v1 it is
 *                    written as cpu.shares = max(2, weight * 1024 / 100), so 1 → 10  1
 * guests.cpu-max     hard CPU quota of all guests together, in CPUs (0.2 = a fifth
 *                    of one CPU), or none                                          none
 * guests.memory-max  memory limit of all guests together (K, M, G), or none        4G
 * guests.users       users whose jobs are taken, comma-separated; empty: everyone  (empty)
 * guests.accepting   takes new guests at all (false: MOSIX's block)                true
 * guests.offer-timeout how long a place an accepted offer took is held while its
 *                    images do not come or, come, are not restored; then the copy
 *                    is discarded (its source cannot have committed it)           5m
 * </pre>
 * {@code ssi host set KEY=VALUE...} changes them while ssid runs ({@link #with}); the guests
 * already here get the new limits at once.
 */
public record GuestsConfig(int maxGuests, int nice, int cpuWeight, OptionalDouble cpuMax, OptionalLong memoryMax,
        Set<String> users, boolean accepting, Duration offerTimeout) {

    public static final Set<String> KEYS = Set.of("guests.max", "guests.nice", "guests.cpu-weight", "guests.cpu-max",
            "guests.memory-max", "guests.users", "guests.accepting", "guests.offer-timeout");
    private static final String NONE = "none";

    public GuestsConfig {
        users = Set.copyOf(users);
    }

    /** The defaults above. */
    public static GuestsConfig defaults() {
        return read(new Properties());
    }

    /** Reads the keys above from {@code properties}; other keys are left to whoever reads them. */
    public static GuestsConfig read(Properties properties) {
        Settings s = new Settings(properties);
        OptionalDouble cpuMax = s.text("guests.cpu-max", NONE).equals(NONE) ? OptionalDouble.empty()
                : OptionalDouble.of(s.number("guests.cpu-max", 0, 0.01, 1024));
        OptionalLong memoryMax = s.text("guests.memory-max", "4G").equals(NONE) ? OptionalLong.empty()
                : OptionalLong.of(s.bytes("guests.memory-max", "4G"));
        if (memoryMax.isPresent() && memoryMax.getAsLong() < (1 << 20)) {
            throw Settings.bad("guests.memory-max", s.text("guests.memory-max", ""), "at least 1M");
        }
        return new GuestsConfig(s.count("guests.max", 4, 0), s.count("guests.nice", 19, 0, 19),
                s.count("guests.cpu-weight", 1, 1, 10_000), cpuMax, memoryMax, s.names("guests.users"),
                s.flag("guests.accepting", true), s.duration("guests.offer-timeout", "5m"));
    }

    /**
     * These terms with {@code changes} ({@code guests.nice} → {@code 10}, ...) made; an unknown
     * key or a bad value is an error that names it, and nothing changes.
     */
    public GuestsConfig with(Map<String, String> changes) {
        Properties merged = new Properties();
        merged.putAll(settings());
        for (Map.Entry<String, String> change : changes.entrySet()) {
            if (!KEYS.contains(change.getKey())) {
                throw new IllegalArgumentException("unknown key '" + change.getKey() + "' (known: "
                        + new java.util.TreeSet<>(KEYS) + ")");
            }
            merged.setProperty(change.getKey(), change.getValue());
        }
        return read(merged);
    }

    /** The terms as their keys and values, as a config file would say them. */
    public Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("guests.max", Integer.toString(maxGuests));
        settings.put("guests.nice", Integer.toString(nice));
        settings.put("guests.cpu-weight", Integer.toString(cpuWeight));
        settings.put("guests.cpu-max", cpuMax.isPresent() ? number(cpuMax.getAsDouble()) : NONE);
        settings.put("guests.memory-max", memoryMax.isPresent() ? size(memoryMax.getAsLong()) : NONE);
        settings.put("guests.users", String.join(",", new java.util.TreeSet<>(users)));
        settings.put("guests.accepting", Boolean.toString(accepting));
        settings.put("guests.offer-timeout", Settings.format(offerTimeout));
        return settings;
    }

    /**
     * Why a guest job of {@code user} is refused here, {@code node} running {@code guests} guests
     * already (counting those on their way in); empty when it is taken.
     */
    public Optional<String> refusal(String node, String user, int guests) {
        if (!accepting) {
            return Optional.of(node + " takes no guests now (guests.accepting=false)");
        }
        if (!users.isEmpty() && !users.contains(user)) {
            return Optional.of(node + " takes no jobs of user " + user + " (guests.users=" + String.join(",", users) + ")");
        }
        if (guests >= maxGuests) {
            return Optional.of(node + " is full: it has " + guests + " guest jobs (guests.max=" + maxGuests + ")");
        }
        return Optional.empty();
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static String size(long bytes) {
        String[] units = {"G", "M", "K"};
        int[] shifts = {30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes % (1L << shifts[i]) == 0) {
                return (bytes >> shifts[i]) + units[i];
            }
        }
        return Long.toString(bytes);
    }
}
