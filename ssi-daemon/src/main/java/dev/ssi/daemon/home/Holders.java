package dev.ssi.daemon.home;

import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.peer.PeerCalls;
import dev.ssi.daemon.peer.PeerMessages.Fate;
import dev.ssi.daemon.peer.PeerMessages.JobRef;
import dev.ssi.daemon.peer.PeerProtocol;
import dev.ssi.transport.NodeId;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Which node holds each epoch of a job whose home is here, as this home learns it: never from
 * the node that claims it, only from the holder of the epoch before, which moved the job (its
 * answer to FATE names the destination it committed to). A job moved on by its hosts without
 * asking home is followed one epoch at a time, at most {@link #MAX_AHEAD} epochs past the latest
 * this home knows.
 */
final class Holders {
    static final int MAX_AHEAD = 8;
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);

    private final NodeId self;
    private final PeerCalls peers;
    private final BiFunction<JobId, Integer, Fate> localFate;
    private final Map<String, CompletableFuture<Optional<NodeId>>> asking = new ConcurrentHashMap<>();

    /** {@code localFate} answers for the migrations away from this node itself. */
    Holders(NodeId self, PeerCalls peers, BiFunction<JobId, Integer, Fate> localFate) {
        this.self = self;
        this.peers = peers;
        this.localFate = localFate;
    }

    /** The node that holds (or held) {@code job} in {@code epoch}; empty when it cannot be learnt. */
    CompletableFuture<Optional<NodeId>> of(HomeJob job, int epoch) {
        Optional<NodeId> known = job.holder(epoch);
        if (known.isPresent() || epoch <= 0 || epoch > job.latestKnownEpoch() + MAX_AHEAD) {
            return CompletableFuture.completedFuture(known);
        }
        String key = job.id() + "@" + epoch;
        CompletableFuture<Optional<NodeId>> answer = new CompletableFuture<>();
        CompletableFuture<Optional<NodeId>> already = asking.putIfAbsent(key, answer);
        if (already != null) {
            return already;
        }
        of(job, epoch - 1).thenCompose(previous -> previous.map(node -> ask(node, job, epoch))
                .orElse(CompletableFuture.completedFuture(Optional.empty())))
                .whenComplete((holder, failure) -> {
                    asking.remove(key);
                    Optional<NodeId> learnt = failure == null ? holder : Optional.empty();
                    learnt.ifPresent(node -> job.arrived(node, epoch, Instant.now()));
                    answer.complete(learnt);
                });
        return answer;
    }

    /** Asks {@code previous}, the holder of the epoch before, where it committed {@code job}'s move into {@code epoch}. */
    private CompletableFuture<Optional<NodeId>> ask(NodeId previous, HomeJob job, int epoch) {
        CompletableFuture<Fate> fate = previous.equals(self)
                ? CompletableFuture.completedFuture(localFate.apply(job.id(), epoch))
                : peers.call(previous, PeerProtocol.FATE,
                        JobRef.newBuilder().setJob(job.id().value()).setEpoch(epoch).build(), ASK_TIMEOUT);
        return fate.handle((answer, failure) -> failure == null && answer.getOutcome() == Fate.Outcome.COMMIT
                && !answer.getDestination().isEmpty() ? Optional.of(NodeId.of(answer.getDestination())) : Optional.empty());
    }
}
