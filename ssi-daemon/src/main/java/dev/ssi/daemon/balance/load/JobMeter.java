package dev.ssi.daemon.balance.load;

import dev.ssi.daemon.job.JobHere;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.ResidentMemory;
import dev.ssi.daemon.job.RunningJob;
import dev.ssi.scheduler.JobInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * Each hosted job as the scheduler sees it, measured over its whole process tree: its age (the
 * CPU time it has used, at this node's speed, plus what it did before it came), how much of the
 * last interval it wanted a CPU, its resident memory, and whether it may move. Keeps each job's
 * previous sample to measure the interval between two calls.
 */
public final class JobMeter {
    /** A job that wanted a CPU less than this share of the interval is not counted as runnable. */
    static final double RUNNABLE_FRACTION = 0.1;

    /** One job now; {@code runnable} says whether it competes for the CPU. */
    public record Measured(JobInfo info, boolean runnable) {}

    private record Sample(long wantedNanos, long atNanos) {}

    private final double cpuSpeed;
    private final ToDoubleFunction<JobId> carriedWork;
    private final Predicate<JobId> pinned;
    private final Map<JobId, Sample> previous = new HashMap<>();
    private final Map<JobId, Long> firstSeenMillis = new HashMap<>();

    /**
     * @param cpuSpeed    this node's CPU speed: a CPU second here is that much reference work
     * @param carriedWork reference-CPU seconds a job had done before it came here
     * @param pinned      whether a job must stay where it is (it holds a socket or a terminal)
     */
    public JobMeter(double cpuSpeed, ToDoubleFunction<JobId> carriedWork, Predicate<JobId> pinned) {
        this.cpuSpeed = cpuSpeed;
        this.carriedWork = carriedWork;
        this.pinned = pinned;
    }

    public List<Measured> measure(List<JobHere> jobs, ProcessTable table, long nowNanos, long nowMillis) {
        List<Measured> measured = new ArrayList<>();
        Set<JobId> seen = new HashSet<>();
        for (JobHere job : jobs) {
            List<ProcStat> tree = job.root() > 0 ? table.tree(job.root()) : List.of();
            if (tree.isEmpty()) {
                continue; // It has ended; its exit is on its way home.
            }
            seen.add(job.job());
            measured.add(measure(job, tree, nowNanos, nowMillis));
        }
        previous.keySet().retainAll(seen);
        firstSeenMillis.keySet().retainAll(seen);
        return measured;
    }

    private Measured measure(JobHere job, List<ProcStat> tree, long nowNanos, long nowMillis) {
        long cpuTicks = 0;
        ThreadDemand threads = ThreadDemand.NONE;
        long memory = 0;
        for (ProcStat process : tree) {
            cpuTicks += process.cpuTicks();
            threads = threads.plus(ThreadDemand.of(process.pid()));
            memory += ResidentMemory.of(process.pid());
        }
        Sample before = previous.put(job.job(), new Sample(threads.wantedNanos(), nowNanos));
        // Until there are two samples nothing says how much it wants: count it as wanting a CPU.
        double fraction = before == null || nowNanos <= before.atNanos() ? 1.0
                : Math.max(0, (double) (threads.wantedNanos() - before.wantedNanos()) / (nowNanos - before.atNanos()));
        // The kernel adds a thread's wait to schedstat only once it runs again: one kept off the
        // CPU the whole interval (by ssid's CRIU, at a higher priority, dumping another job) shows
        // no demand, yet it is runnable now, and wants the CPU as much as it is runnable.
        fraction = Math.max(fraction, threads.runnable());
        long since = firstSeenMillis.computeIfAbsent(job.job(), id -> nowMillis);
        double work = carriedWork.applyAsDouble(job.job()) + cpuTicks / ProcStat.TICKS_PER_SECOND * cpuSpeed;
        JobInfo info = new JobInfo(Ids.scheduler(job.job()), RunningJob.userOf(job.root()), Ids.scheduler(job.home()),
                pinned.test(job.job()), work, fraction, memory, job.epoch(), since);
        return new Measured(info, fraction >= RUNNABLE_FRACTION);
    }
}
