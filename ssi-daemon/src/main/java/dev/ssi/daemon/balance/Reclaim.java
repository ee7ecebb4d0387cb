package dev.ssi.daemon.balance;

import dev.ssi.scheduler.HostMode;

/**
 * Whether this host's owner wants it back: drained by {@code ssi drain}, stopping (SIGTERM), or
 * — where the rule is on — its owner's own load seen within the last {@code reclaim.idle-after}.
 * A reclaimed host takes no guests and sends away those it has.
 */
final class Reclaim {
    private final ReclaimConfig config;
    private volatile boolean drained;
    private volatile boolean stopping;
    private long ownerSeenAtMillis;
    private boolean ownerSeen;
    private long reclaimedSinceMillis = -1;

    Reclaim(ReclaimConfig config) {
        this.config = config;
    }

    void drain(boolean drain) {
        drained = drain;
    }

    void stopping() {
        stopping = true;
    }

    /** The host's mode now, given whether its owner's own load is above the threshold now. */
    HostMode mode(boolean ownerActive, long nowMillis) {
        if (config.onOwnerLoad() && ownerActive) {
            ownerSeen = true;
            ownerSeenAtMillis = nowMillis;
        }
        boolean ownerHere = ownerSeen && nowMillis - ownerSeenAtMillis < config.idleAfter().toMillis();
        boolean reclaimed = drained || stopping || ownerHere;
        if (!reclaimed) {
            reclaimedSinceMillis = -1;
        } else if (reclaimedSinceMillis < 0) {
            reclaimedSinceMillis = nowMillis;
        }
        return reclaimed ? HostMode.RECLAIMING : HostMode.OPEN;
    }

    /** Until when guests may leave for other nodes, while reclaimed: {@code reclaim.deadline} after it began. */
    long evacuationDeadlineMillis() {
        return reclaimedSinceMillis < 0 ? Long.MAX_VALUE : reclaimedSinceMillis + config.deadline().toMillis();
    }
}
