package dev.ssi.daemon.peer;

import com.google.protobuf.MessageLite;
import dev.ssi.daemon.peer.PeerMessages.JobRef;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.connection.TransportNode;
import dev.ssi.transport.stream.IncomingStream;
import java.util.concurrent.CompletableFuture;

/**
 * What the destination of a migration receives from its source, in order: the offer, the images
 * as a stream, then restore, and commit or abort.
 */
public sealed interface TargetBound {
    /** A call: answered with {@link PeerMessages.Done}. */
    record Offer(PeerMessages.Offer request) implements TargetBound {}

    /** The images of an accepted offer, labelled with its job. */
    record Images(IncomingStream stream) implements TargetBound {}

    /** A call: answered with {@link PeerMessages.Restored}. */
    record Restore(JobRef request) implements TargetBound {}

    /** A call: answered with {@link PeerMessages.Done}. */
    record Commit(JobRef request) implements TargetBound {}

    /** A call: answered with {@link PeerMessages.Done}. */
    record Abort(PeerMessages.Abort request) implements TargetBound {}

    /**
     * The migration target's one entry for what peers send it: where a check of the sender's
     * role belongs. A call completes with its answer, a stream with null once it is taken or refused.
     */
    @FunctionalInterface
    interface Receiver {
        CompletableFuture<? extends MessageLite> accept(NodeId from, TargetBound message);
    }

    /** Hands every target-bound call and stream {@code transport} receives to {@code target}. */
    static void register(TransportNode transport, Receiver target) {
        transport.onCall(PeerProtocol.OFFER, (from, m) -> target.accept(from, new Offer(m))
                .thenApply(PeerMessages.Done.class::cast));
        transport.onStream(stream -> target.accept(stream.from(), new Images(stream)));
        transport.onCall(PeerProtocol.RESTORE, (from, m) -> target.accept(from, new Restore(m))
                .thenApply(PeerMessages.Restored.class::cast));
        transport.onCall(PeerProtocol.COMMIT, (from, m) -> target.accept(from, new Commit(m))
                .thenApply(PeerMessages.Done.class::cast));
        transport.onCall(PeerProtocol.ABORT, (from, m) -> target.accept(from, new Abort(m))
                .thenApply(PeerMessages.Done.class::cast));
    }
}
