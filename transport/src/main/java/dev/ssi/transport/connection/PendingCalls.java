package dev.ssi.transport.connection;

import dev.ssi.transport.BackPressureException;
import dev.ssi.transport.CallTimeoutException;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.PeerGoneException;
import dev.ssi.transport.RefusedException;
import dev.ssi.transport.RemoteFailureException;
import dev.ssi.transport.TransportException;
import dev.ssi.transport.wire.ErrorCode;
import dev.ssi.transport.wire.Frame;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Calls this node made on one connection that still wait for an answer: at most
 * {@code maxPending}, each until its timeout; a call beyond, or one the connection has no room
 * for ({@link OutboundGuard}), fails at once and is never sent.
 */
final class PendingCalls {
    private record Pending(CompletableFuture<byte[]> answer, ScheduledFuture<?> timeout) {
    }

    private final Channel channel;
    private final NodeId peer;
    private final int maxPending;
    private final OutboundGuard outbound;
    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

    PendingCalls(Channel channel, NodeId peer, int maxPending, OutboundGuard outbound) {
        this.channel = channel;
        this.peer = peer;
        this.maxPending = maxPending;
        this.outbound = outbound;
    }

    CompletableFuture<byte[]> call(String type, byte[] payload, Duration timeout) {
        int waiting = pending.size();
        if (waiting >= maxPending) {
            return CompletableFuture.failedFuture(new BackPressureException(waiting + " calls to " + peer
                    + " wait for answers already, the most a connection may; " + type + " not sent"));
        }
        try {
            outbound.checkRoom("call " + type);
        } catch (BackPressureException e) {
            return CompletableFuture.failedFuture(e);
        }
        long id = nextId.getAndIncrement();
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        ScheduledFuture<?> timer = channel.eventLoop().schedule(() -> {
            if (pending.remove(id) != null) {
                answer.completeExceptionally(new CallTimeoutException(
                        "no answer to " + type + " from " + peer + " within " + timeout.toMillis() + " ms"));
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        pending.put(id, new Pending(answer, timer));
        if (!channel.isActive()) {
            fail(id, PeerGoneException.neverSent(CloseReason.of(channel), null));
        } else {
            channel.writeAndFlush(new Frame.Request(id, type, payload)).addListener(written -> {
                if (!written.isSuccess()) {
                    // A connection that cannot take a write is done for: close it, so that the next call dials anew.
                    channel.close();
                    fail(id, PeerGoneException.neverSent("cannot send " + type + " to " + peer + ": " + written.cause(),
                            written.cause()));
                }
            });
        }
        return answer;
    }

    void answered(Frame.Response response) {
        Pending call = pending.remove(response.callId());
        if (call != null) {
            call.timeout.cancel(false);
            call.answer.complete(response.payload());
        }
    }

    void failed(Frame.ErrorReply error) {
        fail(error.callId(), error.code() == ErrorCode.REFUSED
                ? new RefusedException(error.message())
                : new RemoteFailureException(error.message()));
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    void connectionClosed(String reason) {
        pending.keySet().forEach(id -> fail(id, new PeerGoneException(reason)));
    }

    private void fail(long id, TransportException failure) {
        Pending call = pending.remove(id);
        if (call != null) {
            call.timeout.cancel(false);
            call.answer.completeExceptionally(failure);
        }
    }
}
