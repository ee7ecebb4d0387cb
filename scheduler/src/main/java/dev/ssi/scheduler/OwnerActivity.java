package dev.ssi.scheduler;

/** What the daemon's reclaim detector measures of the owner. */
public record OwnerActivity(double ownerLoad, long millisSinceInput) {
    public OwnerActivity {
        if (ownerLoad < 0 || millisSinceInput < 0) {
            throw new IllegalArgumentException("negative owner activity");
        }
    }
}
