package dev.ssi.daemon.migration;

import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.journal.JournalEntries.Outgoing;
import dev.ssi.daemon.peer.PeerCalls;
import dev.ssi.daemon.peer.PeerMessages.JobRef;
import dev.ssi.daemon.peer.PeerProtocol;
import dev.ssi.transport.NodeId;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Past the commit point the original is gone and the destination's copy is the job: COMMIT is
 * sent until the destination confirms it has resumed the job, however long it is away.
 */
public final class Committer {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final long RETRY_SECONDS = 2;
    private static final System.Logger LOG = System.getLogger(Committer.class.getName());

    private final Outgoings outgoings;
    private final ScheduledExecutorService timer;
    private final PeerCalls peers;

    public Committer(Outgoings outgoings, ScheduledExecutorService timer, PeerCalls peers) {
        this.outgoings = outgoings;
        this.timer = timer;
        this.peers = peers;
    }

    /** Tells {@code destination} to resume {@code job} in {@code epoch}, now and again until it confirms. */
    public CompletableFuture<Void> commit(JobId job, int epoch, NodeId destination) {
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        attempt(job, epoch, destination, confirmed);
        return confirmed;
    }

    private void attempt(JobId job, int epoch, NodeId destination, CompletableFuture<Void> confirmed) {
        JobRef ref = JobRef.newBuilder().setJob(job.value()).setEpoch(epoch).build();
        peers.call(destination, PeerProtocol.COMMIT, ref, CALL_TIMEOUT).whenComplete((done, failure) -> {
                    if (failure == null) {
                        outgoings.record(job, epoch, destination, Outgoing.Phase.DONE);
                        confirmed.complete(null);
                    } else {
                        LOG.log(System.Logger.Level.WARNING, "commit of " + job + " on " + destination
                                + " not confirmed yet (" + failure.getMessage() + "); asking again");
                        timer.schedule(() -> attempt(job, epoch, destination, confirmed), RETRY_SECONDS, TimeUnit.SECONDS);
                    }
                });
    }
}
