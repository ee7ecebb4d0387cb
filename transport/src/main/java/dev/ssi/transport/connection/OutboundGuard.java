package dev.ssi.transport.connection;

import dev.ssi.transport.BackPressureException;
import dev.ssi.transport.NodeId;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps what waits to be sent to one peer bounded ({@link PeerLimits}): calls and messages are
 * refused while more than {@code maxQueuedBytes} wait; the connection is closed, with its reason
 * logged, once twice that waits or once it has stayed unwritable for {@code stallTimeout}. It
 * sits just after TLS, so every write passes it; closing drops what was queued.
 */
final class OutboundGuard extends ChannelDuplexHandler {
    private static final System.Logger LOG = System.getLogger(OutboundGuard.class.getName());

    private final Channel channel;
    private final NodeId peer;
    private final PeerLimits limits;
    private final AtomicBoolean refusing = new AtomicBoolean();
    // On the event loop only.
    private ScheduledFuture<?> stall;
    private boolean closing;

    OutboundGuard(Channel channel, NodeId peer, PeerLimits limits) {
        this.channel = channel;
        this.peer = peer;
        this.limits = limits;
    }

    /** Bytes written to this connection that the peer has not taken yet: ours, TLS's and Netty's. */
    long queuedBytes() {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    /** Throws when there is no room for a new call or message ({@code what}); any thread. */
    void checkRoom(String what) {
        long queued = queuedBytes();
        if (queued <= limits.maxQueuedBytes()) {
            refusing.set(false);
            return;
        }
        String reason = "peer " + peer + " is not reading: " + queued + " bytes wait for it (at most "
                + limits.maxQueuedBytes() + ")";
        if (refusing.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, reason + "; calls and messages to it fail until it reads");
        }
        throw new BackPressureException(reason + "; " + what + " not sent");
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        ctx.write(message, promise);
        long queued = queuedBytes();
        if (queued > limits.closeAboveBytes() && !closing) {
            close("peer " + peer + " is not reading: " + queued + " bytes wait for it, over the "
                    + limits.closeAboveBytes() + " a connection may hold");
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!channel.isWritable() && stall == null) {
            long millis = limits.stallTimeout().toMillis();
            stall = ctx.executor().schedule(() -> {
                if (!channel.isWritable() && !closing) {
                    close("peer " + peer + " is not reading: " + queuedBytes() + " bytes have waited for it, over the "
                            + channel.config().getWriteBufferHighWaterMark() + " a connection may hold, for "
                            + millis + " ms");
                }
            }, millis, TimeUnit.MILLISECONDS);
        } else if (channel.isWritable() && stall != null) {
            stall.cancel(false);
            stall = null;
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (stall != null) {
            stall.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    /**
     * No Close frame: it would wait behind what the peer does not read. Nothing more is read
     * either, as TLS may take a few seconds more trying to say goodbye.
     */
    private void close(String reason) {
        closing = true;
        LOG.log(System.Logger.Level.WARNING, "closing connection with " + channel.remoteAddress() + ": " + reason);
        CloseReason.record(channel, reason);
        channel.config().setAutoRead(false);
        channel.close();
    }
}
