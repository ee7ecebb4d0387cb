package dev.ssi.daemon.home;

import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.daemon.job.HomeLink;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.Outbox;
import dev.ssi.transport.NodeId;
import java.time.Instant;
import java.util.Map;

/**
 * The job runs at home: its output goes straight to its {@link HomeJob}, acknowledged at once
 * with the room its spool has left, so that the outbox holds back what would not fit.
 */
public final class LocalHomeLink implements HomeLink {
    private final Map<JobId, HomeJob> homed;
    private final Outbox outbox;

    public LocalHomeLink(Map<JobId, HomeJob> homed, Outbox outbox) {
        this.homed = homed;
        this.outbox = outbox;
    }

    @Override
    public void arrived(JobId job, NodeId node, int epoch) {
        HomeJob home = homed.get(job);
        if (home != null) {
            home.arrived(node, epoch, Instant.now());
        }
    }

    @Override
    public void chunk(JobId job, int epoch, long seq, byte[] data) {
        HomeJob home = homed.get(job);
        if (home != null) {
            home.output().chunk(epoch, seq, data);
        }
        acknowledge(job, epoch);
    }

    @Override
    public void end(JobId job, int epoch, long chunks) {
        HomeJob home = homed.get(job);
        if (home != null) {
            home.output().end(epoch, chunks);
        }
        acknowledge(job, epoch);
    }

    @Override
    public void exited(JobId job, int epoch, ExitStatus status) {
        HomeJob home = homed.get(job);
        if (home != null) {
            home.output().exited(epoch, status);
        }
        acknowledge(job, epoch);
    }

    /** A job home has forgotten (its ssi-run had its end) is all home: the outbox may let go of it. */
    private void acknowledge(JobId job, int epoch) {
        HomeJob home = homed.get(job);
        if (home == null) {
            outbox.acknowledged(job, epoch, Long.MAX_VALUE, true, true, Long.MAX_VALUE);
            return;
        }
        HomeOutput.Ack ack = home.output().ack(epoch);
        outbox.acknowledged(job, epoch, ack.nextSeq(), ack.endSeen(), ack.exitSeen(), ack.room());
    }
}
