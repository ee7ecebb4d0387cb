package dev.ssi.scheduler;

/**
 * The tunables of placement and migration. {@link #defaults()} are the values the simulator
 * was tuned with (see BENCHMARK.md).
 *
 * @param cpuBoundFraction     a job is CPU-bound when it wanted the CPU at least this share of the
 *                             last interval
 * @param gainOverCost         expected seconds saved must be at least this many times the seconds
 *                             the move freezes the job (hysteresis against small gains)
 * @param minSpeedup           the destination must run the job at least (1 + this) times faster
 *                             (hysteresis against ping-pong between equal nodes)
 * @param minResidenceMillis   a job that was moved stays where it is at least this long
 * @param maxMigrationsPerJob  the migration budget of one job
 * @param maxInfoAgeMillis     peers known only from older information are not used
 * @param memoryLowWatermark   below this fraction of its memory free, a node ushers jobs away
 * @param newJobWorkSeconds    the work expected of a job that has just started (placement at
 *                             start has no age to go by)
 * @param remoteStartSeconds   what starting a new job on another node costs
 * @param choices              destinations compared per job: drawn at random among the peers
 *                             that can take it, the best of them wins
 */
public record MigrationPolicy(double cpuBoundFraction, double gainOverCost, double minSpeedup,
                              long minResidenceMillis, int maxMigrationsPerJob,
                              long maxInfoAgeMillis, double memoryLowWatermark,
                              double newJobWorkSeconds, double remoteStartSeconds,
                              int choices) {
    public MigrationPolicy {
        if (cpuBoundFraction < 0 || gainOverCost < 0 || minSpeedup < 0 || minResidenceMillis < 0
                || maxMigrationsPerJob < 0 || maxInfoAgeMillis < 0 || memoryLowWatermark < 0
                || memoryLowWatermark >= 1 || newJobWorkSeconds < 0 || remoteStartSeconds < 0
                || choices < 1) {
            throw new IllegalArgumentException("migration policy values out of range");
        }
    }

    public static MigrationPolicy defaults() {
        return new MigrationPolicy(0.5, 2.0, 0.25, 10_000, 4, 30_000, 0.05, 2.0, 0.05, 5);
    }

    public long lowWatermarkBytes(LoadVector node) {
        return (long) (node.totalMemoryBytes() * memoryLowWatermark);
    }
}
