package dev.ssi.scheduler;

import java.util.Objects;

/**
 * One node's load as it measures and gossips it. It carries no timestamp: clocks of different
 * nodes disagree, so gossip carries each vector's age instead (see the gossip package).
 *
 * @param node             who measured it
 * @param cpus             CPUs that ssi jobs may use there; fractional where a CPU quota (a cgroup's
 *                         {@code cpu.max}) stands for the machine's cores
 * @param cpuSpeed         speed of one CPU relative to the reference CPU (1.0)
 * @param homeJobs         runnable ssi jobs whose home is this node and that run here
 * @param guestJobs        runnable guest jobs here (home elsewhere), including ones on their way in
 * @param ownerLoad        runnable processes of the owner that are not ssi jobs
 * @param ownerActive      the owner works at the machine now (input, own load)
 * @param freeMemoryBytes  memory free for new work
 * @param totalMemoryBytes all memory of the node
 * @param offer            what it offers guests now
 * @param health           what its own sensors say
 */
public record LoadVector(NodeName node, double cpus, double cpuSpeed, int homeJobs, int guestJobs,
                         double ownerLoad, boolean ownerActive, long freeMemoryBytes,
                         long totalMemoryBytes, GuestOffer offer, Health health) {
    public LoadVector {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(offer, "offer");
        Objects.requireNonNull(health, "health");
        if (!(cpus > 0) || !(cpuSpeed > 0) || homeJobs < 0 || guestJobs < 0 || ownerLoad < 0
                || totalMemoryBytes < 0) {
            throw new IllegalArgumentException("impossible load vector for " + node);
        }
    }

    public int runnableJobs() {
        return homeJobs + guestJobs;
    }

    /** The same vector with {@code jobs} more guests using {@code memoryBytes} more memory. */
    public LoadVector withExtraGuests(int jobs, long memoryBytes) {
        return new LoadVector(node, cpus, cpuSpeed, homeJobs, guestJobs + jobs, ownerLoad,
                ownerActive, freeMemoryBytes - memoryBytes, totalMemoryBytes, offer, health);
    }

    /** The same vector with {@code jobs} more home jobs using {@code memoryBytes} more memory. */
    public LoadVector withExtraHomeJobs(int jobs, long memoryBytes) {
        return new LoadVector(node, cpus, cpuSpeed, homeJobs + jobs, guestJobs, ownerLoad,
                ownerActive, freeMemoryBytes - memoryBytes, totalMemoryBytes, offer, health);
    }

    /** The same measurement with another offer. */
    public LoadVector withOffer(GuestOffer other) {
        return new LoadVector(node, cpus, cpuSpeed, homeJobs, guestJobs, ownerLoad, ownerActive, freeMemoryBytes,
                totalMemoryBytes, other, health);
    }
}
