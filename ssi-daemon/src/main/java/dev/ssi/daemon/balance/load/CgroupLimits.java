package dev.ssi.daemon.balance.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The limits a cgroup puts on what runs in it, the tightest of the cgroup's own and its
 * ancestors': its CPU quota in cores ({@code cpu.max} on v2, {@code cpu.cfs_quota_us} over
 * {@code cpu.cfs_period_us} on v1), and its memory limit and use.
 */
public final class CgroupLimits {
    private CgroupLimits() {}

    /** The CPU quota in cores, or empty when neither the cgroup nor any above it has one. */
    public static OptionalDouble cpuQuota(OwnCgroup cgroup) {
        double tightest = Double.POSITIVE_INFINITY;
        for (Path dir : cgroup.selfAndAncestors()) {
            double cores = cgroup.unified() ? v2Quota(dir) : v1Quota(dir);
            tightest = Math.min(tightest, cores);
        }
        return tightest == Double.POSITIVE_INFINITY ? OptionalDouble.empty() : OptionalDouble.of(tightest);
    }

    /** The memory limit in bytes, or empty when there is none. */
    public static OptionalLong memoryLimit(OwnCgroup cgroup) {
        long tightest = Long.MAX_VALUE;
        for (Path dir : cgroup.selfAndAncestors()) {
            tightest = Math.min(tightest, number(dir.resolve(cgroup.unified() ? "memory.max" : "memory.limit_in_bytes")));
        }
        // v1 writes "no limit" as the largest page-aligned long.
        return tightest >= Long.MAX_VALUE / 2 ? OptionalLong.empty() : OptionalLong.of(tightest);
    }

    /** Memory charged to the cgroup now. */
    public static long memoryUsed(OwnCgroup cgroup) {
        long used = number(cgroup.dir().resolve(cgroup.unified() ? "memory.current" : "memory.usage_in_bytes"));
        return used == Long.MAX_VALUE ? 0 : used;
    }

    /** "max 100000" or "40000 100000". */
    private static double v2Quota(Path dir) {
        String[] fields = text(dir.resolve("cpu.max")).split("\\s+");
        if (fields.length != 2 || fields[0].equals("max")) {
            return Double.POSITIVE_INFINITY;
        }
        return Double.parseDouble(fields[0]) / Double.parseDouble(fields[1]);
    }

    /** A quota of -1 is none. */
    private static double v1Quota(Path dir) {
        long quota = number(dir.resolve("cpu.cfs_quota_us"));
        long period = number(dir.resolve("cpu.cfs_period_us"));
        return quota == Long.MAX_VALUE || period == Long.MAX_VALUE || period == 0
                ? Double.POSITIVE_INFINITY : (double) quota / period;
    }

    /** The file's number; "max", an absent file or a negative value read as unlimited. */
    private static long number(Path file) {
        String value = text(file);
        if (value.isEmpty() || value.equals("max")) {
            return Long.MAX_VALUE;
        }
        long number = Long.parseLong(value);
        return number < 0 ? Long.MAX_VALUE : number;
    }

    private static String text(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
