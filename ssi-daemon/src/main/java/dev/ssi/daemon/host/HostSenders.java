package dev.ssi.daemon.host;

import dev.ssi.daemon.job.HostedJob;
import dev.ssi.daemon.job.HostedJobs;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.migration.Outgoings;
import dev.ssi.daemon.peer.HostBound;
import dev.ssi.transport.NodeId;
import java.util.Optional;

/**
 * Who may send this host what about a job, by this node's own state: only the job's home moves,
 * freezes or signals a job running here, and acknowledges its output; only the destination of a
 * migration away from here, or the job's home, asks what became of it.
 */
final class HostSenders {
    private final HostedJobs hosted;
    private final Outgoings outgoings;

    HostSenders(HostedJobs hosted, Outgoings outgoings) {
        this.hosted = hosted;
        this.outgoings = outgoings;
    }

    /** Why {@code from} may not send {@code message}; empty when it may. */
    Optional<String> refusal(NodeId from, HostBound message) {
        JobId job = new JobId(message.job());
        if (message instanceof HostBound.Move || message instanceof HostBound.Signal) {
            Optional<NodeId> home = hosted.get(job).map(HostedJob::home);
            if (home.isEmpty()) {
                return Optional.of(job + " does not run here");
            }
            return onlyFrom(home.get(), from, "its home");
        } else if (message instanceof HostBound.OutputAck) {
            return onlyFrom(job.home(), from, "its home");
        } else if (message instanceof HostBound.Fate m) {
            return from.equals(job.home()) ? Optional.empty() : outgoings.destination(job, m.request().getEpoch())
                    .flatMap(destination -> onlyFrom(destination, from, "its home or the destination of its migration"));
        }
        throw new IllegalArgumentException("not a host-bound message: " + message);
    }

    private static Optional<String> onlyFrom(NodeId allowed, NodeId from, String role) {
        return allowed.equals(from) ? Optional.empty() : Optional.of("only " + role + ", " + allowed + ", may send it");
    }
}
