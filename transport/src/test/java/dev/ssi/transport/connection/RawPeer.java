package dev.ssi.transport.connection;

import dev.ssi.transport.wire.Frame;
import dev.ssi.transport.wire.FrameCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A hand-driven peer for bad-input tests: TLS with whatever certificate the test gives it,
 * then exactly the bytes or frames the test writes; it decodes what comes back.
 */
public final class RawPeer implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BlockingQueue<Frame> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> tlsDone = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final CompletableFuture<Channel> connection = new CompletableFuture<>();
    private final ByteBuf inbound = Unpooled.buffer();
    private Channel server;

    public static RawPeer connect(SslContext tls, InetSocketAddress address) {
        RawPeer peer = new RawPeer();
        new Bootstrap().group(peer.group).channel(NioSocketChannel.class)
                .handler(peer.initializer(tls)).connect(address).syncUninterruptibly();
        return peer;
    }

    public static RawPeer listen(SslContext tls) {
        RawPeer peer = new RawPeer();
        peer.server = new ServerBootstrap().group(peer.group).channel(NioServerSocketChannel.class)
                .childHandler(peer.initializer(tls)).bind("127.0.0.1", 0).syncUninterruptibly().channel();
        return peer;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    private ChannelInitializer<Channel> initializer(SslContext tls) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                connection.complete(channel);
                channel.closeFuture().addListener(f -> closed.complete(null));
                channel.pipeline().addLast(tls.newHandler(channel.alloc()), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                        if (event instanceof SslHandshakeCompletionEvent done) {
                            if (done.isSuccess()) {
                                tlsDone.complete(null);
                            } else {
                                tlsDone.completeExceptionally(done.cause());
                            }
                        }
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object message) {
                        ByteBuf bytes = (ByteBuf) message;
                        inbound.writeBytes(bytes);
                        bytes.release();
                        while (inbound.readableBytes() >= 4
                                && inbound.readableBytes() >= 4 + inbound.getInt(inbound.readerIndex())) {
                            int length = inbound.readInt();
                            ByteBuf body = inbound.readSlice(length);
                            received.add(FrameCodec.decode(body));
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

    /** Waits for TLS; true when it came up. */
    public boolean tlsUp() {
        try {
            tlsDone.get(10, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** TLS, then Hello as {@code node} speaking {@code version}. */
    public RawPeer hello(String node, int version) {
        if (!tlsUp()) {
            throw new IllegalStateException("TLS did not come up");
        }
        send(new Frame.Hello(version, node, java.util.Set.of()));
        return this;
    }

    public void send(Frame frame) {
        if (frame instanceof Frame.StreamBlock block) {
            block.retain();
        }
        sendBytes(FrameCodec.encode(frame, ByteBufAllocator.DEFAULT));
    }

    public void sendBytes(byte[] bytes) {
        sendBytes(Unpooled.wrappedBuffer(bytes));
    }

    private void sendBytes(ByteBuf bytes) {
        connection.join().writeAndFlush(bytes).syncUninterruptibly();
    }

    /** Reads nothing more from the node, as a peer that has stopped reading would; it can still write. */
    public void stopReading() {
        Channel channel = connection.join();
        channel.eventLoop().submit(() -> channel.config().setAutoRead(false)).syncUninterruptibly();
    }

    /** Closes the write side abruptly, as a peer that dies mid-frame would. */
    public void hangUp() {
        connection.join().close().syncUninterruptibly();
    }

    /** The next frame the node sent that is of the given type, skipping others. */
    public <F extends Frame> F expect(Class<F> type) {
        return expectWithin(type, 10_000);
    }

    public <F extends Frame> F expectWithin(Class<F> type, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        try {
            while (System.nanoTime() < deadline) {
                Frame frame = received.poll(100, TimeUnit.MILLISECONDS);
                if (type.isInstance(frame)) {
                    return type.cast(frame);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new AssertionError("no " + type.getSimpleName() + " from the node");
    }

    public boolean closedWithin(long seconds) {
        try {
            closed.get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
