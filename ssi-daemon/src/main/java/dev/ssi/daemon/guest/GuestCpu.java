package dev.ssi.daemon.guest;

/**
 * What the host's owner gives a guest domain's QEMU: its nice level, its CPU weight against the
 * owner's own work (cgroup v2 semantics: 100 is an ordinary process's share, 1 the least; v1
 * cpu.shares get weight × 1024 / 100) and a hard quota in CPUs (0: none).
 */
public record GuestCpu(int nice, int weight, double quotaCpus) {
    /** The owner comes first: nice 19, a tenth of an ordinary share, no hard cap. */
    public static final GuestCpu GENTLE = new GuestCpu(19, 10, 0);

    public GuestCpu {
        if (nice < -20 || nice > 19) {
            throw new GuestException("nice must be -20..19, not " + nice);
        }
        if (weight < 1 || weight > 10_000) {
            throw new GuestException("CPU weight must be 1..10000, not " + weight);
        }
        if (!(quotaCpus >= 0) || quotaCpus > 1024) {
            throw new GuestException("CPU quota must be 0 (none) or a number of CPUs up to 1024, not " + quotaCpus);
        }
    }

    boolean hasQuota() {
        return quotaCpus > 0;
    }
}
