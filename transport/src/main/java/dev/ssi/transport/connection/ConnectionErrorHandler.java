package dev.ssi.transport.connection;

import dev.ssi.transport.wire.FrameVersionException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import javax.net.ssl.SSLException;

/**
 * Last in the pipeline: whatever went wrong with a connection (a malformed, oversized or
 * truncated frame, a frame nobody handles, TLS or socket errors) closes that connection,
 * telling the peer why when it still can, and logs the reason. Nothing else is affected.
 */
final class ConnectionErrorHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(ConnectionErrorHandler.class.getName());

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        String name = message.getClass().getSimpleName();
        ReferenceCountUtil.release(message);
        close(ctx, "protocol error: unexpected " + name, true);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof FrameVersionException) {
            close(ctx, HandshakeHandler.MISMATCH + cause.getMessage(), true);
        } else if (cause instanceof DecoderException && !(cause.getCause() instanceof SSLException)) {
            close(ctx, "protocol error: " + HandshakeHandler.describe(cause), true);
        } else if (cause instanceof SSLException || cause.getCause() instanceof SSLException) {
            close(ctx, "TLS error: " + HandshakeHandler.describe(cause), false);
        } else if (cause instanceof IOException) {
            close(ctx, "connection error: " + HandshakeHandler.describe(cause), false);
        } else {
            LOG.log(System.Logger.Level.ERROR, "internal error on connection " + ctx.channel(), cause);
            close(ctx, "internal error: " + HandshakeHandler.describe(cause), true);
        }
    }

    private static void close(ChannelHandlerContext ctx, String reason, boolean tellPeer) {
        LOG.log(System.Logger.Level.WARNING, "closing connection with " + ctx.channel().remoteAddress() + ": "
                + reason);
        if (tellPeer && ctx.channel().isActive()) {
            CloseReason.closeTelling(ctx.channel(), reason);
        } else {
            CloseReason.record(ctx.channel(), reason);
            ctx.close();
        }
    }
}
