package dev.ssi.scheduler;

/**
 * When the owner counts as present, and what then happens to guests.
 *
 * @param ownerLoadThreshold     the owner's own runnable processes above which the owner is present
 * @param inputIdleMillis        keyboard/mouse input more recent than this means the owner is present
 * @param evacuateOnOwnerReturn  true: guests must leave when the owner is present (reclaim);
 *                               false: they stay, limited to the offer's CPU share
 * @param evacuationDeadlineMillis how long guests have to leave a reclaimed node
 */
public record ReclaimRules(double ownerLoadThreshold, long inputIdleMillis,
                           boolean evacuateOnOwnerReturn, long evacuationDeadlineMillis) {
    public ReclaimRules {
        if (ownerLoadThreshold < 0 || inputIdleMillis < 0 || evacuationDeadlineMillis < 0) {
            throw new IllegalArgumentException("reclaim rules out of range");
        }
    }

    /** HTCondor-like: owner present at 0.5 of own load or after input in the last minute. */
    public static ReclaimRules defaults() {
        return new ReclaimRules(0.5, 60_000, true, 10_000);
    }

    public boolean ownerPresent(OwnerActivity activity) {
        return activity.ownerLoad() > ownerLoadThreshold || activity.millisSinceInput() < inputIdleMillis;
    }
}
