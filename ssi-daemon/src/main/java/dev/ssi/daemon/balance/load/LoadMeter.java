package dev.ssi.daemon.balance.load;

import dev.ssi.daemon.job.JobHere;
import dev.ssi.scheduler.GuestOffer;
import dev.ssi.scheduler.GuestPolicy;
import dev.ssi.scheduler.Health;
import dev.ssi.scheduler.JobInfo;
import dev.ssi.scheduler.LoadVector;
import dev.ssi.scheduler.NodeName;
import dev.ssi.scheduler.NodeState;
import dev.ssi.scheduler.OwnerActivity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Measures this node as the scheduler sees it ({@link NodeState}): the load vector it gossips
 * and the jobs it may move. Call it once per interval; the owner's load and each job's demand
 * are rates over the time between calls.
 */
public final class LoadMeter {
    /** Input devices are not watched yet (issue 6): the owner counts as present by own load alone. */
    private static final long NO_INPUT_SEEN = Long.MAX_VALUE;

    private final NodeName self;
    private final Scope scope;
    private final double cpuSpeed;
    private final Supplier<GuestPolicy> policies;
    private final JobMeter jobs;
    private final Optional<OwnCgroup> memoryCgroup = OwnCgroup.of("memory");
    private final OwnerLoad ownerLoad = new OwnerLoad();
    private final int ssid = (int) ProcessHandle.current().pid();

    /** @param policies the host owner's terms for guests, as they are at each measurement */
    public LoadMeter(NodeName self, Scope scope, double cpuSpeed, Supplier<GuestPolicy> policies, JobMeter jobs) {
        this.self = self;
        this.scope = scope;
        this.cpuSpeed = cpuSpeed;
        this.policies = policies;
        this.jobs = jobs;
    }

    public NodeState measure(List<JobHere> hosted, long nowMillis) {
        long nowNanos = System.nanoTime();
        ProcessTable table = ProcessTable.scan();
        List<JobMeter.Measured> measured = jobs.measure(hosted, table, nowNanos, nowMillis);
        double owner = ownerLoad.update(scope.ownerRunnable(table, ssid), nowNanos);
        int homeJobs = 0;
        int guestJobs = 0;
        int idleGuests = 0;
        List<JobInfo> infos = new ArrayList<>();
        for (JobMeter.Measured job : measured) {
            infos.add(job.info());
            boolean guest = !job.info().home().equals(self);
            if (job.runnable()) {
                homeJobs += guest ? 0 : 1;
                guestJobs += guest ? 1 : 0;
            } else if (guest) {
                idleGuests++;
            }
        }
        OwnerActivity activity = new OwnerActivity(owner, NO_INPUT_SEEN);
        GuestPolicy policy = policies.get();
        GuestOffer offer = policy.offer(policy.mode(activity));
        // Guests count as load only while they want the CPU, but every guest takes a place
        // under the cap: the places gossiped as free must be the places really free.
        GuestOffer places = new GuestOffer(offer.accepting(), Math.max(0, offer.maxGuestJobs() - idleGuests),
                offer.guestCpusWhileOwnerActive(), offer.guestMemoryLimitBytes(), offer.acceptedUsers());
        Memory memory = Memory.measure(memoryCgroup);
        LoadVector vector = new LoadVector(self, scope.cpus(), cpuSpeed, homeJobs, guestJobs, owner,
                policy.reclaim().ownerPresent(activity), memory.freeBytes(), memory.totalBytes(), places, Health.OK);
        return new NodeState(vector, infos);
    }
}
