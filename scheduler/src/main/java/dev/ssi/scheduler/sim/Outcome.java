package dev.ssi.scheduler.sim;

import java.util.Arrays;

/** What one run measured. Slowdown is response time over the job's work at reference speed. */
public record Outcome(String policy, double load, double[] work, double[] response, double makespan,
                      long migrations, long remoteStarts, long freezes, double bytesMoved) {
    public static final double LONG_JOB_SECONDS = 100;

    public int jobs() {
        return work.length;
    }

    public Stats overall() {
        return stats(false);
    }

    public Stats longJobs() {
        return stats(true);
    }

    public double migrationsPerJob() {
        return (double) migrations / jobs();
    }

    /** Mean and 95th percentile of slowdown. */
    public record Stats(int count, double mean, double p95) {
    }

    private Stats stats(boolean longOnly) {
        double[] slowdowns = new double[work.length];
        int count = 0;
        for (int i = 0; i < work.length; i++) {
            if (!longOnly || work[i] > LONG_JOB_SECONDS) {
                slowdowns[count++] = response[i] / work[i];
            }
        }
        if (count == 0) {
            return new Stats(0, Double.NaN, Double.NaN);
        }
        double[] sorted = Arrays.copyOf(slowdowns, count);
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).sum() / count;
        return new Stats(count, mean, sorted[(int) Math.ceil(0.95 * count) - 1]);
    }
}
