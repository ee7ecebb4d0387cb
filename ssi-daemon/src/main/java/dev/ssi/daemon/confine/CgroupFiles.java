package dev.ssi.daemon.confine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What to write to a cgroup's files for a CPU weight, a CPU quota and a memory limit, on cgroup
 * v2 ({@code cpu.weight}, {@code cpu.max}, {@code memory.max}) or v1 ({@code cpu.shares}, the
 * CFS quota, {@code memory.limit_in_bytes}). The weight is on the v2 scale (100 is an ordinary
 * process's share); v1 gets {@code cpu.shares} = max(2, weight × 1024 / 100).
 */
public final class CgroupFiles {
    /** The CPU quota period, in microseconds (the kernel's default). */
    static final long PERIOD_MICROS = 100_000;
    /** The least quota the kernel takes: one millisecond per period. */
    private static final long LEAST_QUOTA_MICROS = 1000;

    private CgroupFiles() {}

    /** The cpu controller's files, in the order to write them; an empty quota is none. */
    public static Map<String, String> cpu(boolean unified, int weight, OptionalDouble quotaCpus) {
        Map<String, String> files = new LinkedHashMap<>();
        String quota = quotaCpus.isPresent() ? Long.toString(quotaMicros(quotaCpus.getAsDouble())) : null;
        if (unified) {
            files.put("cpu.weight", Integer.toString(weight));
            files.put("cpu.max", (quota == null ? "max" : quota) + " " + PERIOD_MICROS);
        } else {
            files.put("cpu.shares", Long.toString(Math.max(2, weight * 1024L / 100)));
            files.put("cpu.cfs_period_us", Long.toString(PERIOD_MICROS));
            files.put("cpu.cfs_quota_us", quota == null ? "-1" : quota);
        }
        return files;
    }

    /** The memory controller's files; an empty limit is none. */
    public static Map<String, String> memory(boolean unified, OptionalLong limitBytes) {
        String limit = limitBytes.isPresent() ? Long.toString(limitBytes.getAsLong()) : unified ? "max" : "-1";
        return Map.of(unified ? "memory.max" : "memory.limit_in_bytes", limit);
    }

    private static long quotaMicros(double cpus) {
        return Math.max(LEAST_QUOTA_MICROS, Math.round(cpus * PERIOD_MICROS));
    }
}
