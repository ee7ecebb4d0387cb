package dev.ssi.transport.connection;

import dev.ssi.transport.stream.Streams;
import dev.ssi.transport.wire.Frame;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Hands stream frames to the connection's streams, and tells senders when writes may resume. */
final class StreamFrameHandler extends ChannelInboundHandlerAdapter {
    private final Streams streams;

    StreamFrameHandler(Streams streams) {
        this.streams = streams;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof Frame.StreamFrame frame) {
            streams.onFrame(frame);
        } else {
            ctx.fireChannelRead(message);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            streams.onWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }
}
