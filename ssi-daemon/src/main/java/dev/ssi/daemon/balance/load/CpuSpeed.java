package dev.ssi.daemon.balance.load;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * A short calibration of how fast one CPU of this node is, relative to the reference CPU (1.0):
 * the fastest of a few rounds of a fixed integer loop, timed in this thread's own CPU time, so
 * that neither other load nor a CPU quota skews it. The figure compares nodes that run the same
 * ssid on the same JVM with the same flags (as a pool's nodes do); it is no absolute benchmark.
 */
public final class CpuSpeed {
    /**
     * Loop steps per CPU second on the reference CPU: this project's build machine (a 2-core
     * x86-64 VM) measured 5.6–5.8e8 both with ssid's JVM flags and with the JIT's defaults.
     */
    static final double REFERENCE_STEPS_PER_SECOND = 5.7e8;
    private static final int STEPS = 20_000_000;
    private static final int ROUNDS = 7;
    private static volatile long sink;

    private CpuSpeed() {}

    /** Takes about a quarter of a CPU second. */
    public static double calibrate() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long fastest = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            long start = threads.getCurrentThreadCpuTime();
            sink += loop(STEPS, round + 1);
            fastest = Math.min(fastest, Math.max(1, threads.getCurrentThreadCpuTime() - start));
        }
        return STEPS / (fastest / 1e9) / REFERENCE_STEPS_PER_SECOND;
    }

    /** xorshift64: cheap, serial, and its result is used, so the JIT can neither skip nor vectorize it. */
    private static long loop(int steps, long seed) {
        long x = seed;
        for (int i = 0; i < steps; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }
}
