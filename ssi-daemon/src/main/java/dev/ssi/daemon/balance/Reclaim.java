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
        return drained || stopping || ownerHere ? HostMode.RECLAIMING : HostMode.OPEN;
    }
}
