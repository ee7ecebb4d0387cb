package dev.ssi.daemon.balance;

import java.time.Duration;
import java.util.Properties;
import java.util.Set;

/**
 * When this host's owner takes it back from guests, and how long they have to leave: ssid's keys
 * for it, with their defaults.
 * <pre>
 * reclaim.owner-load            the owner's own CPU load above the threshold reclaims the host  off
 * reclaim.owner-load-threshold  runnable processes of the owner's own that count as present  0.5
 * reclaim.idle-after            the owner gone this long, the host takes guests again         60s
 * reclaim.stop-timeout          on SIGTERM, how long ssid tries to move its guests away
 *                               before it exits (within the service's stop timeout)          10s
 * reclaim.deadline              how long guests have to leave for other nodes; those still
 *                               here after it are sent to their homes to be kept frozen      30s
 * </pre>
 * {@code ssi drain} reclaims the host whatever these say, until {@code ssi undrain}.
 */
public record ReclaimConfig(boolean onOwnerLoad, double ownerLoadThreshold, Duration idleAfter, Duration stopTimeout,
        Duration deadline) {
    public static final Set<String> KEYS = Set.of("reclaim.owner-load", "reclaim.owner-load-threshold",
            "reclaim.idle-after", "reclaim.stop-timeout", "reclaim.deadline");

    static ReclaimConfig read(Properties properties) {
        Settings s = new Settings(properties);
        return new ReclaimConfig(s.flag("reclaim.owner-load", false), s.number("reclaim.owner-load-threshold", 0.5, 0, 1000),
                s.duration("reclaim.idle-after", "60s"), s.duration("reclaim.stop-timeout", "10s"),
                s.duration("reclaim.deadline", "30s"));
    }
}
