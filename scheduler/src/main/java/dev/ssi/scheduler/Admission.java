package dev.ssi.scheduler;

/**
 * The destination's own check of an offered job, against its exact current state (not gossip):
 * the authority that keeps guest caps and the owner's terms, whatever stale information
 * brought the offer. A job coming back to its home is always welcome if it fits in memory.
 */
public final class Admission {
    private Admission() {
    }

    /**
     * @param self the destination's vector, counting guests already admitted and still on the way
     * @param job  the offered job
     */
    public static Verdict check(LoadVector self, JobInfo job) {
        if (job.memoryBytes() > self.freeMemoryBytes()) {
            return Verdict.NOT_ENOUGH_MEMORY;
        }
        if (job.home().equals(self.node())) {
            return Verdict.ACCEPT;
        }
        GuestOffer offer = self.offer();
        if (self.health() != Health.OK) {
            return Verdict.UNHEALTHY;
        }
        if (!offer.accepting()) {
            return Verdict.NOT_ACCEPTING;
        }
        if (self.guestJobs() >= offer.maxGuestJobs()) {
            return Verdict.GUEST_CAP_REACHED;
        }
        if (!offer.acceptsUser(job.user())) {
            return Verdict.USER_NOT_ACCEPTED;
        }
        if (job.memoryBytes() > offer.guestMemoryLimitBytes()) {
            return Verdict.NOT_ENOUGH_MEMORY;
        }
        return Verdict.ACCEPT;
    }
}
