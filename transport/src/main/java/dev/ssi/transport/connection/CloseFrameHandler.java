package dev.ssi.transport.connection;

import dev.ssi.transport.wire.Frame;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** The end of an authenticated connection: the peer's Close frame, then the channel's end. */
final class CloseFrameHandler extends ChannelInboundHandlerAdapter {
    private final Peer peer;
    private final PeerRegistry registry;

    CloseFrameHandler(Peer peer, PeerRegistry registry) {
        this.peer = peer;
        this.registry = registry;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof Frame.Close close) {
            CloseReason.record(ctx.channel(), "peer closed the connection: " + close.reason());
            ctx.close();
        } else {
            ctx.fireChannelRead(message);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        registry.remove(peer);
        peer.connectionClosed();
        ctx.fireChannelInactive();
    }
}
