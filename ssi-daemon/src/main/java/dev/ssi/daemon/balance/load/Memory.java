package dev.ssi.daemon.balance.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Optional;

/**
 * The node's memory: all of it and what is free for new work — the machine's (MemTotal and
 * MemAvailable of /proc/meminfo), within the memory cgroup ssid runs in if that has a limit.
 *
 * @param totalBytes all memory the node's jobs may use
 * @param freeBytes  what is free of it for new work
 */
public record Memory(long totalBytes, long freeBytes) {

    public static Memory measure(Optional<OwnCgroup> cgroup) {
        long total = meminfo("MemTotal:");
        long free = meminfo("MemAvailable:");
        if (cgroup.isPresent()) {
            var limit = CgroupLimits.memoryLimit(cgroup.get());
            if (limit.isPresent()) {
                total = Math.min(total, limit.getAsLong());
                free = Math.min(free, Math.max(0, limit.getAsLong() - CgroupLimits.memoryUsed(cgroup.get())));
            }
        }
        return new Memory(total, free);
    }

    /** A field of /proc/meminfo in bytes (the file says kB). */
    private static long meminfo(String field) {
        try {
            return Files.readAllLines(ProcessTable.PROC.resolve("meminfo")).stream()
                    .filter(line -> line.startsWith(field))
                    .mapToLong(line -> 1024 * Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("/proc/meminfo has no " + field));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/meminfo", e);
        }
    }
}
