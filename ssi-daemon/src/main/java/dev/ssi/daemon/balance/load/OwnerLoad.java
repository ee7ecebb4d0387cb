package dev.ssi.daemon.balance.load;

/**
 * The owner's load: the runnable threads in the node's scope that are not ssi's, smoothed over
 * the last few seconds as the kernel's load average is (over a minute, there): one sample a
 * second says little, and a compile that pauses for a moment has not ended.
 */
public final class OwnerLoad {
    /** Seconds after which a change has counted for 63 %: short enough to see the owner come back within seconds. */
    static final double TIME_CONSTANT_SECONDS = 3;

    private double load;
    private long lastNanos;
    private boolean sampled;

    /** Adds the sample taken at {@code nowNanos} and returns the smoothed load. */
    public double update(int runnable, long nowNanos) {
        if (!sampled) {
            load = runnable;
            sampled = true;
        } else {
            double seconds = Math.max(0, (nowNanos - lastNanos) / 1e9);
            load += (runnable - load) * (1 - Math.exp(-seconds / TIME_CONSTANT_SECONDS));
        }
        lastNanos = nowNanos;
        return load;
    }
}
