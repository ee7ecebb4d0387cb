package dev.ssi.daemon.balance;

import dev.ssi.daemon.job.JobId;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The work jobs did before they came here. CRIU restores a job with its CPU clocks at zero, so
 * the node that moved a job tells the new one how much work it had done ({@link Mover}), and
 * the job's age here is that plus what it does here. A job moved by hand ({@code ssi migrate})
 * arrives without it and looks young: it then stays put longer, which is the safe side.
 */
public final class JobHistory {
    /** News of a job not (yet) seen running here is kept this long: it may come just before the job shows up. */
    private static final long KEEP_NANOS = TimeUnit.MINUTES.toNanos(1);

    private record Carried(double workSeconds, long sinceNanos) {}

    private final Map<JobId, Carried> carried = new ConcurrentHashMap<>();

    /** Reference-CPU seconds of work {@code job} had done when it came here. */
    public double carried(JobId job) {
        Carried known = carried.get(job);
        return known == null ? 0 : known.workSeconds();
    }

    public void arrived(JobId job, double workSeconds, long nowNanos) {
        if (workSeconds >= 0 && Double.isFinite(workSeconds)) {
            carried.put(job, new Carried(workSeconds, nowNanos));
        }
    }

    /** Forgets the jobs that no longer run here. */
    public void retain(Set<JobId> running, long nowNanos) {
        carried.entrySet().removeIf(entry -> !running.contains(entry.getKey())
                && nowNanos - entry.getValue().sinceNanos() > KEEP_NANOS);
    }
}
