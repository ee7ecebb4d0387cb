package dev.ssi.transport.connection;

import dev.ssi.transport.NodeId;
import dev.ssi.transport.wire.FrameDecoder;
import dev.ssi.transport.wire.FrameEncoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.CompletableFuture;

/**
 * The pipeline of a peer connection: TLS, frame decoding and encoding, the handshake (which,
 * once done, puts the call, stream and close handlers in its place), and the error handler.
 * Answers written while a read is under way (refusals of a flood, say) go out in one flush at
 * its end, not one TLS record and one system call each.
 */
final class ConnectionInitializer extends ChannelInitializer<Channel> {
    static final String TLS = "tls";

    private final NodeContext node;
    private final SslContext tls;
    private final ChannelGroup connections;
    private final boolean dialedHere;
    private final NodeId expected;
    private final CompletableFuture<Peer> result;

    ConnectionInitializer(NodeContext node, SslContext tls, ChannelGroup connections, boolean dialedHere,
                          NodeId expected, CompletableFuture<Peer> result) {
        this.node = node;
        this.tls = tls;
        this.connections = connections;
        this.dialedHere = dialedHere;
        this.expected = expected;
        this.result = result;
    }

    @Override
    protected void initChannel(Channel channel) {
        connections.add(channel);
        SslHandler ssl = tls.newHandler(channel.alloc());
        ssl.setHandshakeTimeoutMillis(node.config().handshakeTimeout().toMillis());
        int maxFrame = node.config().maxFrameLength();
        channel.pipeline()
                .addLast(TLS, ssl)
                .addLast("flushes", new FlushConsolidationHandler())
                .addLast("frames-in", new FrameDecoder(maxFrame))
                .addLast("frames-out", new FrameEncoder(maxFrame))
                .addLast("handshake", new HandshakeHandler(node, dialedHere, expected,
                        result != null ? result : new CompletableFuture<>()))
                .addLast("errors", new ConnectionErrorHandler());
    }
}
