package dev.ssi.daemon.migration;

import dev.ssi.daemon.config.Settings;
import dev.ssi.daemon.peer.PeerCalls;
import dev.ssi.daemon.peer.PeerMessages.JobRef;
import dev.ssi.daemon.peer.PeerProtocol;
import dev.ssi.transport.NodeId;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * Gives up every copy that has stalled (nothing came for the host's {@code guests.offer-timeout}
 * and its source was never told it is restored), and questions the source of every other copy that has waited a while here — its source gone quiet, or
 * this node back from a crash — about what became of the job (FATE), and hands the answer back:
 * commit once the images are here, discard when the source called the move off. A copy never
 * resumes on its own.
 */
final class WaitingCopies {
    private static final Duration ASK_AFTER = Duration.ofSeconds(10);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final System.Logger LOG = System.getLogger(WaitingCopies.class.getName());

    private final PeerCalls peers;
    private final Executor work;
    private final BiConsumer<NodeId, JobRef> commit;
    private final BiConsumer<IncomingCopy, String> discard;

    /** Answers are acted on in {@code work}: {@code commit} from the source, or {@code discard} with why. */
    WaitingCopies(PeerCalls peers, Executor work, BiConsumer<NodeId, JobRef> commit, BiConsumer<IncomingCopy, String> discard) {
        this.peers = peers;
        this.work = work;
        this.commit = commit;
        this.discard = discard;
    }

    /** Discards each of {@code copies} stalled for {@code timeout}, and asks about the others that have waited longer than they should. */
    void ask(Collection<IncomingCopy> copies, Duration timeout) {
        long now = System.nanoTime();
        for (IncomingCopy p : copies) {
            if (p.expires(now, timeout)) {
                work.execute(() -> discard.accept(p, "nothing came from " + p.source + " for "
                        + Settings.format(timeout) + " (guests.offer-timeout)"));
                continue;
            }
            if (now - p.since < ASK_AFTER.toNanos()) {
                continue;
            }
            JobRef ref = JobRef.newBuilder().setJob(p.offer.getJob()).setEpoch(p.epoch).build();
            peers.call(p.source, PeerProtocol.FATE, ref, CALL_TIMEOUT).thenAcceptAsync(fate -> {
                switch (fate.getOutcome()) {
                    case COMMIT -> {
                        if (p.restored != null || p.images.isDone()) {
                            commit.accept(p.source, ref);
                        }
                    }
                    case ABORT -> discard.accept(p, p.source + " called the migration off");
                    default -> { } // Still undecided there.
                }
            }, work).exceptionally(failure -> {
                LOG.log(System.Logger.Level.DEBUG, "cannot ask " + p.source + " about " + p.job() + " yet: "
                        + failure.getMessage());
                return null;
            });
        }
    }
}
