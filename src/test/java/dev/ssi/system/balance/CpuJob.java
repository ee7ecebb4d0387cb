package dev.ssi.system.balance;

import java.util.List;

/** A CPU-bound job of a fixed amount of work: mawk sums i % 7 for i below a count, and prints the sum. */
record CpuJob(long iterations) {
    /** A CPU-bound job that runs until it is stopped: a test that needs jobs running for as long as it looks. */
    static List<String> endless() {
        return List.of("mawk", "BEGIN { while (1) s++ }");
    }

    List<String> command() {
        return List.of("mawk", "BEGIN { for (i = 0; i < " + iterations + "; i++) s += i % 7; print s }");
    }

    /** What it prints: 21 for every full cycle of seven, plus the last part cycle. */
    String expectedOutput() {
        long rest = iterations % 7;
        return (21 * (iterations / 7) + rest * (rest - 1) / 2) + "\n";
    }
}
