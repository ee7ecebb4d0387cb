package dev.ssi.scheduler;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Small builders for the tests' nodes, jobs and views. */
final class Fixtures {
    static final long GIB = 1L << 30;
    static final long MIB = 1L << 20;

    private Fixtures() {
    }

    static NodeName node(String name) {
        return new NodeName(name);
    }

    static GuestOffer open(int maxGuests) {
        return new GuestOffer(true, maxGuests, 0.1, 4 * GIB, Set.of());
    }

    static GuestOffer closed() {
        return new GuestOffer(false, 10, 0.1, 4 * GIB, Set.of());
    }

    /** An owner-less host with {@code cpus} CPUs of speed 1 running {@code guests} guests. */
    static LoadVector host(String name, int cpus, double speed, int guests) {
        return new LoadVector(node(name), cpus, speed, 0, guests, 0, false, 16 * GIB, 16 * GIB, open(10), Health.OK);
    }

    /** A workstation whose owner is there, running {@code homeJobs} of its own jobs. */
    static LoadVector workstation(String name, int cpus, int homeJobs) {
        return new LoadVector(node(name), cpus, 1.0, homeJobs, 0, 0, true, 16 * GIB, 16 * GIB, closed(), Health.OK);
    }

    static LoadVector withOffer(LoadVector v, GuestOffer offer) {
        return new LoadVector(v.node(), v.cpus(), v.cpuSpeed(), v.homeJobs(), v.guestJobs(), v.ownerLoad(),
                v.ownerActive(), v.freeMemoryBytes(), v.totalMemoryBytes(), offer, v.health());
    }

    static LoadVector withFreeMemory(LoadVector v, long free) {
        return new LoadVector(v.node(), v.cpus(), v.cpuSpeed(), v.homeJobs(), v.guestJobs(), v.ownerLoad(),
                v.ownerActive(), free, v.totalMemoryBytes(), v.offer(), v.health());
    }

    /** A CPU-bound job that has done {@code work} seconds, never moved, resident since time 0. */
    static JobInfo job(String id, String home, double work, long memory) {
        return new JobInfo(new JobName(id), "alice", node(home), false, work, 1.0, memory, 0, 0);
    }

    static JobInfo pinned(JobInfo job) {
        return new JobInfo(job.id(), job.user(), job.home(), true, job.workDoneSeconds(), job.cpuFraction(),
                job.memoryBytes(), job.migrations(), job.residentSinceMillis());
    }

    static JobInfo moved(JobInfo job, int migrations, long residentSince) {
        return new JobInfo(job.id(), job.user(), job.home(), job.pinned(), job.workDoneSeconds(), job.cpuFraction(),
                job.memoryBytes(), migrations, residentSince);
    }

    static PoolView view(LoadVector... peers) {
        return new PoolView(Arrays.stream(peers).map(v -> new PeerInfo(v, 1_000)).toList());
    }

    /** Compares every eligible peer, so that tests see the true best destination. */
    static MigrationPolicy exhaustive() {
        MigrationPolicy d = MigrationPolicy.defaults();
        return new MigrationPolicy(d.cpuBoundFraction(), d.gainOverCost(), d.minSpeedup(), d.minResidenceMillis(),
                d.maxMigrationsPerJob(), d.maxInfoAgeMillis(), d.memoryLowWatermark(), d.newJobWorkSeconds(),
                d.remoteStartSeconds(), 1_000);
    }

    static NodeState state(LoadVector vector, JobInfo... jobs) {
        return new NodeState(vector, List.of(jobs));
    }
}
