package dev.ssi.system;

import dev.ssi.transport.trust.NodeIdentity;
import dev.ssi.transport.trust.TlsContexts;
import dev.ssi.transport.trust.TlsProvider;
import dev.ssi.transport.wire.Frame;
import dev.ssi.transport.wire.FrameCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A pool member that completes TLS with its real certificate, says Hello, and from then on
 * only writes: calls as fast as the connection takes them, never reading a byte of the answers.
 */
final class NeverReadingPeer implements AutoCloseable {
    private static final int BATCH = 256;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final CompletableFuture<Void> tlsUp = new CompletableFuture<>();
    private final String name;
    private Channel channel;

    private NeverReadingPeer(String name) {
        this.name = name;
    }

    static NeverReadingPeer connect(NodeIdentity identity, InetSocketAddress address) throws Exception {
        NeverReadingPeer peer = new NeverReadingPeer(identity.id().value());
        try {
            peer.channel = new Bootstrap().group(peer.group).channel(NioSocketChannel.class)
                    .handler(peer.initializer(identity)).connect(address).sync().channel();
            peer.tlsUp.get(10, TimeUnit.SECONDS);
            peer.channel.writeAndFlush(FrameCodec.encode(new Frame.Hello(1, peer.name, Set.of()), peer.channel.alloc()))
                    .sync();
            return peer;
        } catch (Exception e) {
            peer.close();
            throw e;
        }
    }

    private ChannelInitializer<Channel> initializer(NodeIdentity identity) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(TlsContexts.client(identity, TlsProvider.JDK).newHandler(ch.alloc()),
                        new ChannelInboundHandlerAdapter() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                                if (event instanceof SslHandshakeCompletionEvent done) {
                                    if (done.isSuccess()) {
                                        ctx.channel().config().setAutoRead(false); // from here on, never reads
                                        tlsUp.complete(null);
                                    } else {
                                        tlsUp.completeExceptionally(done.cause());
                                    }
                                }
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
            }
        };
    }

    /**
     * Sends {@code type} requests with {@code payload} until the node closes the connection, or
     * {@code within} has passed; how many went. Waits while its own socket is full.
     */
    long callUntilClosed(String type, byte[] payload, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        long sent = 0;
        while (channel.isActive() && System.nanoTime() < deadline) {
            if (!channel.isWritable()) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return sent;
                }
                continue;
            }
            for (int i = 0; i < BATCH; i++) {
                channel.write(FrameCodec.encode(new Frame.Request(++sent, type, payload), channel.alloc()));
            }
            channel.flush();
        }
        return sent;
    }

    boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
