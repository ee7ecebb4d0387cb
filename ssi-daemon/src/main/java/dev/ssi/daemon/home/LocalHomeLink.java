package dev.ssi.daemon.home;

import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.daemon.job.JobId;
import dev.ssi.transport.NodeId;
import java.time.Instant;
import java.util.Map;

/** The job runs at home: its output goes straight to its {@link HomeJob}. */
public final class LocalHomeLink implements HomeLink {
    private final Map<JobId, HomeJob> homed;

    public LocalHomeLink(Map<JobId, HomeJob> homed) {
        this.homed = homed;
    }

    @Override
    public void arrived(JobId job, NodeId node, int epoch) {
        homed.get(job).arrived(node, epoch, Instant.now());
    }

    @Override
    public void chunk(JobId job, int epoch, long seq, byte[] data) {
        homed.get(job).output().chunk(epoch, seq, data);
    }

    @Override
    public void end(JobId job, int epoch, long chunks) {
        homed.get(job).output().end(epoch, chunks);
    }

    @Override
    public void exited(JobId job, int epoch, ExitStatus status) {
        homed.get(job).output().exited(epoch, status);
    }
}
