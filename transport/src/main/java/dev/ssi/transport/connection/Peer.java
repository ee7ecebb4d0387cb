package dev.ssi.transport.connection;

import dev.ssi.transport.BackPressureException;
import dev.ssi.transport.CallTimeoutException;
import dev.ssi.transport.CallType;
import dev.ssi.transport.MessageType;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.PeerGoneException;
import dev.ssi.transport.RefusedException;
import dev.ssi.transport.RemoteFailureException;
import dev.ssi.transport.stream.OutgoingStream;
import dev.ssi.transport.stream.Streams;
import dev.ssi.transport.wire.Frame;
import io.netty.channel.Channel;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The one authenticated connection to another node. Everything here may be called from any
 * thread; nothing blocks.
 */
public final class Peer {
    private final NodeId id;
    private final Set<String> capabilities;
    private final Channel channel;
    private final boolean dialedHere;
    private final int maxPayload;
    private final OutboundGuard outbound;
    private final InboundLimit inbound;
    private final PendingCalls calls;
    private final Streams streams;
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private static final long RETIRE_CHECK_MILLIS = 200;
    private static final long RETIRE_MAX_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
    /**
     * How many checks in a row (5 s) a retired connection must be idle at before it closes. A user of this very
     * connection (a migration: an offer, then a stream, then calls) leaves it idle for moments
     * between its steps, and the other end cannot see what is still to come.
     */
    private static final int RETIRE_IDLE_CHECKS = 25;

    Peer(NodeId id, Set<String> capabilities, Channel channel, boolean dialedHere, int maxFrameLength,
         PeerLimits limits, Streams streams) {
        this.id = id;
        this.capabilities = Set.copyOf(capabilities);
        this.channel = channel;
        this.dialedHere = dialedHere;
        this.maxPayload = maxFrameLength - 1024;
        this.outbound = new OutboundGuard(channel, id, limits);
        this.inbound = new InboundLimit(channel, id, limits);
        this.calls = new PendingCalls(channel, id, limits.pendingCalls(), outbound);
        this.streams = streams;
    }

    /** The node id, as proven by the peer's certificate. */
    public NodeId id() {
        return id;
    }

    /** What the peer said it can do in its handshake. */
    public Set<String> capabilities() {
        return capabilities;
    }

    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    public boolean isOpen() {
        return channel.isActive() && !closed.isDone();
    }

    /** Completes with the reason once the connection is closed. */
    public CompletableFuture<String> closed() {
        return closed;
    }

    /** Bytes written to this connection that the peer has not taken yet. */
    public long queuedBytes() {
        return outbound.queuedBytes();
    }

    /**
     * A one-way message; the future completes once it is handed to the network. It fails at once,
     * with {@link BackPressureException}, while the peer leaves too much unread.
     */
    public <T> CompletableFuture<Void> send(MessageType<T> type, T message) {
        byte[] payload = checkedPayload(type.codec().encode(message), type.name());
        try {
            outbound.checkRoom("message " + type.name());
        } catch (BackPressureException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> sent = new CompletableFuture<>();
        channel.writeAndFlush(new Frame.Message(type.name(), payload)).addListener(written -> {
            if (written.isSuccess()) {
                sent.complete(null);
            } else {
                sent.completeExceptionally(new PeerGoneException(CloseReason.of(channel), written.cause()));
            }
        });
        return sent;
    }

    /**
     * A request and its answer. Fails with {@link CallTimeoutException}, {@link RefusedException},
     * {@link RemoteFailureException}, {@link PeerGoneException}, or at once with
     * {@link BackPressureException}.
     */
    public <Q, R> CompletableFuture<R> call(CallType<Q, R> type, Q request, Duration timeout) {
        byte[] payload = checkedPayload(type.requestCodec().encode(request), type.name());
        return calls.call(type.name(), payload, timeout).thenApply(answer -> {
            try {
                return type.responseCodec().decode(answer);
            } catch (IllegalArgumentException e) {
                throw new RemoteFailureException("malformed " + type.name() + " response from " + id + ": "
                        + e.getMessage());
            }
        });
    }

    /** Streams the regular files of a flat directory to the peer. */
    public OutgoingStream sendDirectory(Path directory, String label) {
        return streams.send(directory, label);
    }

    /**
     * Streams the files of a flat directory while a writer still creates and appends to them;
     * the stream ends once {@link OutgoingStream#writerFinished} is called and the rest is sent.
     * The receiver sees an ordinary incoming stream. A file that shrinks or vanishes fails it.
     */
    public OutgoingStream sendGrowingDirectory(Path directory, String label) {
        return streams.sendGrowing(directory, label);
    }

    public void close(String reason) {
        CloseReason.closeTelling(channel, reason);
    }

    /**
     * This connection lost the tie with a duplicate: no new work is put on it, and it closes
     * once what is under way on it is over — calls either way, streams — and it has been idle a
     * while, so nothing in flight fails for it (at the latest after ten minutes).
     */
    void retire(String reason) {
        long deadline = System.nanoTime() + RETIRE_MAX_NANOS;
        channel.eventLoop().schedule(() -> closeWhenIdle(reason, deadline, 0), RETIRE_CHECK_MILLIS,
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void closeWhenIdle(String reason, long deadline, int idleChecks) {
        if (!channel.isActive()) {
            return;
        }
        boolean idle = calls.isEmpty() && inbound.idle() && streams.idle();
        int idleFor = idle ? idleChecks + 1 : 0;
        if (idleFor >= RETIRE_IDLE_CHECKS || System.nanoTime() > deadline) {
            close(reason);
        } else {
            channel.eventLoop().schedule(() -> closeWhenIdle(reason, deadline, idleFor), RETIRE_CHECK_MILLIS,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    OutboundGuard outbound() {
        return outbound;
    }

    InboundLimit inbound() {
        return inbound;
    }

    boolean dialedHere() {
        return dialedHere;
    }

    PendingCalls calls() {
        return calls;
    }

    /** Called once, when the channel has closed. */
    void connectionClosed() {
        String reason = CloseReason.of(channel);
        calls.connectionClosed(reason);
        streams.connectionClosed(reason);
        closed.complete(reason);
    }

    private byte[] checkedPayload(byte[] payload, String type) {
        if (payload.length > maxPayload) {
            throw new IllegalArgumentException(type + " payload of " + payload.length
                    + " bytes exceeds the limit of " + maxPayload + "; stream large data instead");
        }
        return payload;
    }

    @Override
    public String toString() {
        return "peer " + id + " at " + channel.remoteAddress();
    }
}
