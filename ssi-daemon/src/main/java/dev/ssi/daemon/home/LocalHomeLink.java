package dev.ssi.daemon.home;

import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.daemon.job.JobId;
import java.util.Map;

/** The job runs at home: its output goes straight to its {@link HomeOutput}. */
public final class LocalHomeLink implements HomeLink {
    private final Map<JobId, HomeOutput> homed;

    public LocalHomeLink(Map<JobId, HomeOutput> homed) {
        this.homed = homed;
    }

    @Override
    public void chunk(JobId job, int epoch, long seq, byte[] data) {
        homed.get(job).chunk(epoch, seq, data);
    }

    @Override
    public void end(JobId job, int epoch, long chunks) {
        homed.get(job).end(epoch, chunks);
    }

    @Override
    public void exited(JobId job, int epoch, ExitStatus status) {
        homed.get(job).exited(epoch, status);
    }
}
