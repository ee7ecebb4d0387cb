package dev.ssi.daemon.journal;

import dev.ssi.checkpoint.os.OsException;
import dev.ssi.checkpoint.os.Processes;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Fault injection for the crash-recovery tests, as CRIU's CRIU_FAULT and SQLite's test hooks
 * do it: {@code SSI_CRASH_AT=point[,point...]} in an ssid's environment makes it kill itself
 * with SIGKILL — no shutdown hook, nothing flushed, a real {@code kill -9} — on reaching a named
 * point. Unset, every point is a no-op.
 */
public final class CrashPoints {
    private static final Set<String> ARMED = Arrays.stream(System.getenv().getOrDefault("SSI_CRASH_AT", "").split(","))
            .map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());

    private CrashPoints() {}

    public static void reach(String point) {
        if (ARMED.contains(point)) {
            System.out.println("ssid: crash point " + point + " reached: SIGKILL to self");
            System.out.flush();
            try {
                Processes.signal((int) ProcessHandle.current().pid(), Processes.SIGKILL);
                Thread.sleep(10_000);
            } catch (OsException | InterruptedException e) {
                Runtime.getRuntime().halt(137);
            }
        }
    }
}
