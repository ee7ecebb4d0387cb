package dev.ssi.transport.connection;

import dev.ssi.transport.wire.Frame;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.AttributeKey;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/** Why a connection closed, kept on the channel; the first reason given wins. */
final class CloseReason {
    private static final AttributeKey<String> KEY = AttributeKey.valueOf("ssi.closeReason");
    private static final long TELL_GRACE_SECONDS = 5;

    private CloseReason() {
    }

    static void record(Channel channel, String reason) {
        channel.attr(KEY).setIfAbsent(reason);
    }

    static String of(Channel channel) {
        String reason = channel.attr(KEY).get();
        return reason != null ? reason : "connection closed";
    }

    /**
     * Records the reason, tells the peer in a Close frame, then closes; after a grace period
     * whether or not the frame went, as it never does to a peer that has stopped reading.
     */
    static void closeTelling(Channel channel, String reason) {
        record(channel, reason);
        if (channel.isActive()) {
            channel.writeAndFlush(new Frame.Close(reason)).addListener(ChannelFutureListener.CLOSE);
            try {
                channel.eventLoop().schedule(() -> channel.close(), TELL_GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (RejectedExecutionException e) {
                channel.close();
            }
        } else {
            channel.close();
        }
    }
}
