package dev.ssi.daemon.peer;

import com.google.protobuf.MessageLite;
import dev.ssi.daemon.peer.PeerMessages.JobRef;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.connection.TransportNode;
import java.util.concurrent.CompletableFuture;

/**
 * What a node receives about the jobs it hosts: from their homes a move (or a freeze), a user's
 * signal and the acknowledgement of their output; from the destination of a move away, back from
 * a crash, the question what became of it.
 */
public sealed interface HostBound {
    /** The job it is about, as the wire spells it. */
    String job();

    /** A call: answered with {@link PeerMessages.Moved}. */
    record Move(PeerMessages.Move request) implements HostBound {
        @Override
        public String job() {
            return request.getJob();
        }
    }

    /** A call: answered with {@link PeerMessages.Fate}. */
    record Fate(JobRef request) implements HostBound {
        @Override
        public String job() {
            return request.getJob();
        }
    }

    record Signal(PeerMessages.Signal message) implements HostBound {
        @Override
        public String job() {
            return message.getJob();
        }
    }

    record OutputAck(PeerMessages.OutputAck message) implements HostBound {
        @Override
        public String job() {
            return message.getJob();
        }
    }

    /**
     * The host role's one entry for what peers send it: where a check of the sender's role
     * belongs. A call completes with its answer, a one-way message with null.
     */
    @FunctionalInterface
    interface Receiver {
        CompletableFuture<? extends MessageLite> accept(NodeId from, HostBound message);
    }

    /** Hands every host-bound call and message {@code transport} receives to {@code host}. */
    static void register(TransportNode transport, Receiver host) {
        transport.onCall(PeerProtocol.MOVE, (from, m) -> host.accept(from, new Move(m))
                .thenApply(PeerMessages.Moved.class::cast));
        transport.onCall(PeerProtocol.FATE, (from, m) -> host.accept(from, new Fate(m))
                .thenApply(PeerMessages.Fate.class::cast));
        transport.onMessage(PeerProtocol.SIGNAL, (from, m) -> host.accept(from, new Signal(m)));
        transport.onMessage(PeerProtocol.OUTPUT_ACK, (from, m) -> host.accept(from, new OutputAck(m)));
    }
}
