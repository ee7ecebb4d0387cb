package dev.ssi.transport.connection;

import dev.ssi.transport.NodeId;
import dev.ssi.transport.PeerGoneException;
import dev.ssi.transport.ProtocolMismatchException;
import dev.ssi.transport.RefusedException;
import dev.ssi.transport.stream.Streams;
import dev.ssi.transport.trust.NodeIdentity;
import dev.ssi.transport.wire.Frame;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * After TLS: both sides send Hello; each checks the protocol version and that the node id is
 * the one the peer's certificate proves. Then it hands the connection to the frame handlers
 * and removes itself.
 */
final class HandshakeHandler extends ChannelInboundHandlerAdapter {
    static final int PROTOCOL_VERSION = 1;
    static final String MISMATCH = "protocol mismatch: ";
    private static final System.Logger LOG = System.getLogger(HandshakeHandler.class.getName());

    private final NodeContext node;
    private final boolean dialedHere;
    private final NodeId expected;
    private final CompletableFuture<Peer> result;
    private NodeId certified;
    private ScheduledFuture<?> deadline;

    /** {@code expected} is the node a dialer wants; null on the accepting side. */
    HandshakeHandler(NodeContext node, boolean dialedHere, NodeId expected, CompletableFuture<Peer> result) {
        this.node = node;
        this.dialedHere = dialedHere;
        this.expected = expected;
        this.result = result;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long millis = node.config().handshakeTimeout().toMillis();
        deadline = ctx.executor().schedule(() -> refuse(ctx, "no handshake within " + millis + " ms"),
                millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        deadline.cancel(false);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (!(event instanceof SslHandshakeCompletionEvent tls)) {
            super.userEventTriggered(ctx, event);
            return;
        }
        if (!tls.isSuccess()) {
            String reason = "TLS handshake with " + ctx.channel().remoteAddress() + " failed: " + describe(tls.cause());
            LOG.log(System.Logger.Level.WARNING, "refused connection: " + reason);
            CloseReason.record(ctx.channel(), reason);
            result.completeExceptionally(new RefusedException(reason));
            ctx.close();
            return;
        }
        try {
            X509Certificate peerCertificate = (X509Certificate) ctx.pipeline().get(SslHandler.class).engine()
                    .getSession().getPeerCertificates()[0];
            certified = NodeIdentity.nodeIdOf(peerCertificate);
        } catch (SSLPeerUnverifiedException | IllegalArgumentException e) {
            refuse(ctx, "peer certificate names no valid node: " + e.getMessage());
            return;
        }
        if (expected != null && !expected.equals(certified)) {
            refuse(ctx, "expected node " + expected + " but the certificate is " + certified + "'s");
            return;
        }
        if (certified.equals(node.self())) {
            refuse(ctx, "connected to itself (" + certified + ")");
            return;
        }
        ctx.writeAndFlush(new Frame.Hello(PROTOCOL_VERSION, node.self().value(), node.config().capabilities()));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof Frame.Close close) {
            String reason = "peer closed the connection: " + close.reason();
            CloseReason.record(ctx.channel(), reason);
            result.completeExceptionally(close.reason().startsWith(MISMATCH)
                    ? new ProtocolMismatchException(reason) : new RefusedException(reason));
            ctx.close();
        } else if (message instanceof Frame.Hello hello && certified != null) {
            accept(ctx, hello);
        } else {
            refuse(ctx, "unexpected " + message.getClass().getSimpleName() + " before the handshake");
            ReferenceCountUtil.release(message);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof SSLException || cause.getCause() instanceof SSLException) {
            String reason = "TLS with " + ctx.channel().remoteAddress() + " failed: " + describe(cause);
            CloseReason.record(ctx.channel(), reason);
            result.completeExceptionally(new RefusedException(reason));
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        result.completeExceptionally(new PeerGoneException("connection closed during the handshake: "
                + CloseReason.of(ctx.channel())));
        super.channelInactive(ctx);
    }

    private void accept(ChannelHandlerContext ctx, Frame.Hello hello) {
        if (hello.protocolVersion() != PROTOCOL_VERSION) {
            String reason = MISMATCH + "this node speaks version " + PROTOCOL_VERSION + ", "
                    + certified + " speaks " + hello.protocolVersion();
            result.completeExceptionally(new ProtocolMismatchException(reason));
            refuse(ctx, reason);
            return;
        }
        if (!hello.nodeId().equals(certified.value())) {
            refuse(ctx, "peer calls itself " + hello.nodeId() + " but its certificate is " + certified + "'s");
            return;
        }
        Streams streams = new Streams(ctx.channel(), certified, node.config().streams(), node.bulk(),
                node.handlerExecutor(), node.handlers()::stream);
        Peer peer = new Peer(certified, hello.capabilities(), ctx.channel(), dialedHere,
                node.config().maxFrameLength(), node.config().limits(), streams);
        ctx.pipeline()
                .addAfter(ConnectionInitializer.TLS, "outbound", peer.outbound())
                .addAfter(ctx.name(), "close", new CloseFrameHandler(peer, node.registry()))
                .addAfter(ctx.name(), "streams", new StreamFrameHandler(streams))
                .addAfter(ctx.name(), "calls", new CallFrameHandler(peer, node.handlers(), node.handlerExecutor()))
                .remove(this);
        result.complete(node.registry().register(peer));
    }

    private void refuse(ChannelHandlerContext ctx, String reason) {
        LOG.log(System.Logger.Level.WARNING, "refused connection from " + ctx.channel().remoteAddress() + ": "
                + reason);
        result.completeExceptionally(new RefusedException(reason));
        CloseReason.closeTelling(ctx.channel(), reason);
    }

    static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
