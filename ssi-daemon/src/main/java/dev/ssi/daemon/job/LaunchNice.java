package dev.ssi.daemon.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * ssid may run above its jobs (the local pool starts it at nice -15, a service unit would say
 * {@code Nice=-15}) so that gossip, output and migrations keep going on a node its jobs saturate.
 * Jobs must not inherit that: they start at nice 0, as the user's own processes do. (A restored
 * job gets back the nice it was dumped with.)
 */
final class LaunchNice {
    private LaunchNice() {}

    /** What to put before the shim's command line: nothing, or {@code nice -n K} back up to 0. */
    static List<String> prefix() {
        int own = threadNice();
        return own < 0 ? List.of(nice(), "-n", Integer.toString(-own)) : List.of();
    }

    /** posix_spawn wants a path: nice(1) as ssid's PATH finds it. */
    private static String nice() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "nice");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return "/usr/bin/nice";
    }

    /** Nice is per thread on Linux; a child starts with its spawning thread's (field 19 of stat). */
    private static int threadNice() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
        } catch (IOException e) {
            return 0;
        }
    }
}
