package dev.ssi.scheduler;

import java.util.Objects;
import java.util.Set;

/**
 * A host owner's terms for guest jobs (the daemon applies nice, weight, quota and memory limit
 * to the guests' cgroup; the scheduler uses the rest).
 *
 * @param niceLevel              nice of guest jobs
 * @param cpuWeight              cgroup v2 cpu.weight of the guests' group (owner's is 100)
 * @param guestCpusWhileOwnerActive CPU quota of all guests together while the owner works
 * @param memoryLimitBytes       the most memory one guest job may use
 * @param maxGuestJobs           the most guest jobs at once (MOSIX {@code opengrid maxguests})
 * @param acceptedUsers          users whose jobs are taken; empty means everyone in the pool
 * @param acceptingNow           the owner's switch ({@code block} / {@code unblock})
 * @param reclaim                when the owner counts as back, and what happens then
 */
public record GuestPolicy(int niceLevel, int cpuWeight, double guestCpusWhileOwnerActive,
                          long memoryLimitBytes, int maxGuestJobs, Set<String> acceptedUsers,
                          boolean acceptingNow, ReclaimRules reclaim) {
    public GuestPolicy {
        if (niceLevel < -20 || niceLevel > 19 || cpuWeight < 1 || cpuWeight > 10_000
                || guestCpusWhileOwnerActive < 0 || memoryLimitBytes < 0 || maxGuestJobs < 0) {
            throw new IllegalArgumentException("guest policy values out of range");
        }
        acceptedUsers = Set.copyOf(Objects.requireNonNull(acceptedUsers, "acceptedUsers"));
        Objects.requireNonNull(reclaim, "reclaim");
    }

    /** Nice 19, weight 1 (idle-like), a tenth of a CPU while the owner works, 10 guests, 4 GiB each. */
    public static GuestPolicy defaults() {
        return new GuestPolicy(19, 1, 0.1, 4L << 30, 10, Set.of(), true, ReclaimRules.defaults());
    }

    public HostMode mode(OwnerActivity activity) {
        if (!acceptingNow) {
            return HostMode.CLOSED;
        }
        if (reclaim.ownerPresent(activity)) {
            return reclaim.evacuateOnOwnerReturn() ? HostMode.RECLAIMING : HostMode.OWNER_ACTIVE;
        }
        return HostMode.OPEN;
    }

    /** What to gossip as this node's offer in the given mode. */
    public GuestOffer offer(HostMode mode) {
        return new GuestOffer(mode == HostMode.OPEN, maxGuestJobs, guestCpusWhileOwnerActive,
                memoryLimitBytes, acceptedUsers);
    }
}
