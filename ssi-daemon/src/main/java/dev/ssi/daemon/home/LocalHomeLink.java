package dev.ssi.daemon.home;

import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.Outbox;
import dev.ssi.transport.NodeId;
import java.time.Instant;
import java.util.Map;

/** The job runs at home: its output goes straight to its {@link HomeJob}, acknowledged at once. */
public final class LocalHomeLink implements HomeLink {
    private final Map<JobId, HomeJob> homed;
    private final Outbox outbox;

    public LocalHomeLink(Map<JobId, HomeJob> homed, Outbox outbox) {
        this.homed = homed;
        this.outbox = outbox;
    }

    @Override
    public void arrived(JobId job, NodeId node, int epoch) {
        homed.get(job).arrived(node, epoch, Instant.now());
    }

    @Override
    public void chunk(JobId job, int epoch, long seq, byte[] data) {
        homed.get(job).output().chunk(epoch, seq, data);
        acknowledge(job, epoch);
    }

    @Override
    public void end(JobId job, int epoch, long chunks) {
        homed.get(job).output().end(epoch, chunks);
        acknowledge(job, epoch);
    }

    @Override
    public void exited(JobId job, int epoch, ExitStatus status) {
        homed.get(job).output().exited(epoch, status);
        acknowledge(job, epoch);
    }

    private void acknowledge(JobId job, int epoch) {
        HomeOutput.Ack ack = homed.get(job).output().ack(epoch);
        outbox.acknowledged(job, epoch, ack.nextSeq(), ack.endSeen(), ack.exitSeen());
    }
}
