package dev.ssi.scheduler;

/**
 * The speed each runnable job gets on a node, in reference-CPU seconds per second.
 *
 * <p>The owner's processes and the node's own home jobs run at normal priority; guests are
 * niced and take what is left. While the owner works, all guests together get at most the
 * CPU the node's offer grants them (e.g. a tenth of a CPU), but that much is guaranteed.
 * The simulator runs its nodes on this same model, so estimates and simulated reality agree
 * up to the staleness of the information.
 */
public record CpuShares(double perHomeJob, double perGuestJob) {

    public static CpuShares of(LoadVector node) {
        double normal = node.ownerLoad() + node.homeJobs();
        int guests = node.guestJobs();
        double guestCpus;
        if (node.ownerActive()) {
            guestCpus = Math.min(Math.min(guests, node.offer().guestCpusWhileOwnerActive()), node.cpus());
        } else {
            guestCpus = Math.min(guests, Math.max(0, node.cpus() - normal));
        }
        double perNormal = normal == 0 ? 1 : Math.min(1, (node.cpus() - guestCpus) / normal);
        double perGuest = guests == 0 ? 0 : guestCpus / guests;
        return new CpuShares(node.cpuSpeed() * perNormal, node.cpuSpeed() * perGuest);
    }

    /** The speed a job would get on {@code node} once moved there as one more job. */
    public static double forNewJob(LoadVector node, boolean returningHome, long memoryBytes) {
        return returningHome
                ? of(node.withExtraHomeJobs(1, memoryBytes)).perHomeJob()
                : of(node.withExtraGuests(1, memoryBytes)).perGuestJob();
    }
}
