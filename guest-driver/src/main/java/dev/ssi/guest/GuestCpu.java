package dev.ssi.guest;

/**
 * What the host's owner gives a guest domain's QEMU: its nice level, its CPU weight against the
 * owner's own work (cgroup v2 semantics: 100 is an ordinary process's share, 1 the least; v1
 * cpu.shares get weight × 1024 / 100) and a hard quota in CPUs (0: none).
 */
public record GuestCpu(int nice, int weight, double quotaCpus) {
    /** The owner comes first: nice 19, a tenth of an ordinary share, no hard cap. */
    public static final GuestCpu GENTLE = new GuestCpu(19, 10, 0);

    public GuestCpu {
        checkNice(nice);
        checkWeight(weight);
        checkQuota(quotaCpus);
    }

    public static void checkNice(int nice) {
        if (nice < -20 || nice > 19) {
            throw new GuestException("a nice level is -20..19, not " + nice);
        }
    }

    public static void checkWeight(int weight) {
        if (weight < 1 || weight > 10_000) {
            throw new GuestException("a CPU weight is 1..10000, not " + weight);
        }
    }

    public static void checkQuota(double cpus) {
        if (!(cpus >= 0) || cpus > 1024) {
            throw new GuestException("a CPU quota is 0 (none) or a number of CPUs up to 1024, not " + cpus);
        }
    }

    boolean hasQuota() {
        return quotaCpus > 0;
    }
}
