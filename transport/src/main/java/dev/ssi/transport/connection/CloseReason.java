package dev.ssi.transport.connection;

import dev.ssi.transport.wire.Frame;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.AttributeKey;

/** Why a connection closed, kept on the channel; the first reason given wins. */
final class CloseReason {
    private static final AttributeKey<String> KEY = AttributeKey.valueOf("ssi.closeReason");

    private CloseReason() {
    }

    static void record(Channel channel, String reason) {
        channel.attr(KEY).setIfAbsent(reason);
    }

    static String of(Channel channel) {
        String reason = channel.attr(KEY).get();
        return reason != null ? reason : "connection closed";
    }

    /** Records the reason, tells the peer in a Close frame, then closes. */
    static void closeTelling(Channel channel, String reason) {
        record(channel, reason);
        if (channel.isActive()) {
            channel.writeAndFlush(new Frame.Close(reason)).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }
}
