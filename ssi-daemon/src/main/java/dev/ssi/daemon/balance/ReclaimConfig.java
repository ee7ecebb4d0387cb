package dev.ssi.daemon.balance;

import dev.ssi.daemon.balance.input.InputActivity;
import dev.ssi.daemon.config.Settings;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * When this host's owner takes it back from guests, and how long they have to leave: ssid's keys
 * for it, with their defaults.
 * <pre>
 * reclaim.owner-load            the owner's own CPU load above the threshold reclaims the host  off
 * reclaim.owner-load-threshold  runnable processes of the owner's own that count as present  0.5
 * reclaim.input                 keyboard or mouse input reclaims the host                      on
 * reclaim.input-ttys            terminals whose input counts: absolute paths, the last part
 *                               of each may be a glob, comma-separated        /dev/tty[0-9]*
 * reclaim.schedule              windows of local time when the host is its owner's, e.g.
 *                               Mon-Fri 08:00-18:00, Sat 10:00-12:00 ({@link ReclaimSchedule}) off
 * reclaim.idle-after            the owner gone this long, the host takes guests again         60s
 * reclaim.stop-timeout          on SIGTERM, how long ssid tries to move its guests away
 *                               before it exits (within the service's stop timeout)          10s
 * reclaim.deadline              how long guests have to leave for other nodes; those still
 *                               here after it are sent to their homes to be kept frozen      30s
 * </pre>
 * {@code ssi drain} reclaims the host whatever these say, until {@code ssi undrain}, and so does
 * SIGTERM. Changed ({@link #with}, {@code ssi host set reclaim.KEY=VALUE}) and handed to a
 * running host's reclaim, new values apply at its next round; {@link #settings} are every key's
 * value as it would be written.
 */
public record ReclaimConfig(boolean onOwnerLoad, double ownerLoadThreshold, boolean onInput, String inputTtys,
        ReclaimSchedule schedule, Duration idleAfter, Duration stopTimeout, Duration deadline,
        Map<String, String> settings) {
    static final String CONSOLE_TTYS = "/dev/tty[0-9]*";
    private static final Map<String, String> DEFAULTS = defaults();
    public static final Set<String> KEYS = DEFAULTS.keySet();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("reclaim.owner-load", "false");
        d.put("reclaim.owner-load-threshold", "0.5");
        d.put("reclaim.input", "true");
        d.put("reclaim.input-ttys", CONSOLE_TTYS);
        d.put(ReclaimSchedule.KEY, "off");
        d.put("reclaim.idle-after", "60s");
        d.put("reclaim.stop-timeout", "10s");
        d.put("reclaim.deadline", "30s");
        return Collections.unmodifiableMap(d);
    }

    public ReclaimConfig {
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** The keys above from {@code properties}, defaults for those missing; a bad value is an error that names its key. */
    public static ReclaimConfig read(Properties properties) {
        Map<String, String> settings = new LinkedHashMap<>(DEFAULTS);
        DEFAULTS.keySet().forEach(key -> Optional.ofNullable(properties.getProperty(key))
                .ifPresent(value -> settings.put(key, value.strip())));
        Properties all = new Properties();
        all.putAll(settings);
        Settings s = new Settings(all);
        String ttys = s.text("reclaim.input-ttys", CONSOLE_TTYS);
        InputActivity.checkTtys(ttys);
        return new ReclaimConfig(s.flag("reclaim.owner-load", false), s.number("reclaim.owner-load-threshold", 0.5, 0, 1000),
                s.flag("reclaim.input", true), ttys, ReclaimSchedule.parse(s.text(ReclaimSchedule.KEY, "off")),
                s.duration("reclaim.idle-after", "60s"), s.duration("reclaim.stop-timeout", "10s"),
                s.duration("reclaim.deadline", "30s"), settings);
    }

    /** These rules with {@code changes} ({@code ssi host set reclaim.input=false}); a bad one names its key. */
    public ReclaimConfig with(Map<String, String> changes) {
        Properties merged = new Properties();
        merged.putAll(settings);
        changes.forEach((key, value) -> {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "' (known: " + new TreeSet<>(KEYS) + ")");
            }
            merged.setProperty(key, value);
        });
        return read(merged);
    }
}
