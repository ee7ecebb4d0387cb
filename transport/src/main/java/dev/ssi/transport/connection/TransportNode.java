package dev.ssi.transport.connection;

import dev.ssi.transport.CallHandler;
import dev.ssi.transport.CallType;
import dev.ssi.transport.MessageHandler;
import dev.ssi.transport.MessageType;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.PeerGoneException;
import dev.ssi.transport.ProtocolMismatchException;
import dev.ssi.transport.RefusedException;
import dev.ssi.transport.stream.StreamHandler;
import dev.ssi.transport.trust.NodeIdentity;
import dev.ssi.transport.trust.TlsContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A node's end of the pool network: it listens for peers, dials them, and keeps one
 * mutually authenticated connection per peer. Register handlers before peers can need them.
 */
public final class TransportNode implements AutoCloseable {
    // Streams pause above the high mark, so calls and messages (allowed up to PeerLimits.maxQueuedBytes)
    // are not stuck behind bulk data; FrameSizeEstimator makes writes from other threads count at once.
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(1 << 20,
            PeerLimits.HIGH_WATER_MARK);
    /**
     * Streams move GiBs in blocks of half a MiB. Pooled buffers are reused; Netty's default
     * (adaptive) allocator, in a daemon's small direct-memory budget, allocates and zeroes fresh
     * memory for such sizes. Measured on a 1 GiB migration: about 5 % less CPU at the receiving
     * end (src/test/BENCHMARK.md).
     */
    private static final ByteBufAllocator BUFFERS = PooledByteBufAllocator.DEFAULT;

    private final NodeContext context;
    private final NetworkTransport network;
    private final EventLoopGroup group;
    private final ExecutorService bulk;
    private final ExecutorService handlerExecutor;
    private final SslContext clientTls;
    private final Channel server;
    private final Map<NodeId, CompletableFuture<Peer>> dialing = new ConcurrentHashMap<>();
    private final ChannelGroup connections;

    private TransportNode(NodeIdentity identity, TransportConfig config) throws InterruptedException {
        network = NetworkTransport.best();
        group = network.newGroup(config.ioThreads(), "ssi-io");
        connections = new DefaultChannelGroup(group.next());
        bulk = Executors.newFixedThreadPool(config.bulkThreads(), new DefaultThreadFactory("ssi-bulk", true));
        handlerExecutor = Executors.newFixedThreadPool(config.handlerThreads(),
                new DefaultThreadFactory("ssi-handler", true));
        context = new NodeContext(identity.id(), config, new Handlers(), new PeerRegistry(identity.id()), bulk,
                handlerExecutor);
        clientTls = TlsContexts.client(identity, config.tls());
        SslContext serverTls = TlsContexts.server(identity, config.tls());
        try {
            server = new ServerBootstrap()
                    .group(group)
                    .channel(network.serverChannel())
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                    .childOption(ChannelOption.MESSAGE_SIZE_ESTIMATOR, FrameSizeEstimator.INSTANCE)
                    .childOption(ChannelOption.ALLOCATOR, BUFFERS)
                    .childHandler(new ConnectionInitializer(context, serverTls, connections, false, null, null))
                    .bind(config.listen()).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            shutdown();
            throw e;
        }
    }

    /** Listens on the configured address; the node is reachable when this returns. */
    public static TransportNode start(NodeIdentity identity, TransportConfig config) throws InterruptedException {
        return new TransportNode(identity, config);
    }

    public NodeId id() {
        return context.self();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Whether connections use the native epoll transport (otherwise NIO). */
    public boolean usesEpoll() {
        return network.epoll();
    }

    public <T> void onMessage(MessageType<T> type, MessageHandler<T> handler) {
        context.handlers().onMessage(type, handler);
    }

    public <Q, R> void onCall(CallType<Q, R> type, CallHandler<Q, R> handler) {
        context.handlers().onCall(type, handler);
    }

    public void onStream(StreamHandler handler) {
        context.handlers().onStream(handler);
    }

    /**
     * The connection to {@code node}: the open one if there is one, either way, else a new one
     * to {@code address}. Fails with {@link RefusedException} when the peer there cannot prove
     * it is {@code node}, {@link ProtocolMismatchException}, or {@link PeerGoneException}.
     */
    public CompletableFuture<Peer> connect(NodeId node, InetSocketAddress address) {
        Optional<Peer> open = peer(node);
        if (open.isPresent()) {
            return CompletableFuture.completedFuture(open.get());
        }
        // In the map before the dial starts, out of it before anyone learns how it ended: a dial
        // refused at once must not linger as the answer to every later connect.
        CompletableFuture<Peer> fresh = new CompletableFuture<>();
        CompletableFuture<Peer> underWay = dialing.putIfAbsent(node, fresh);
        if (underWay != null) {
            return underWay;
        }
        dial(node, address).whenComplete((peer, failure) -> {
            dialing.remove(node, fresh);
            if (failure != null) {
                fresh.completeExceptionally(failure);
            } else {
                fresh.complete(peer);
            }
        });
        return fresh;
    }

    /**
     * A call to {@code node} on its connection, dialed if need be. A request that could not even
     * be written — the connection was found dead, say the peer restarted — goes once more on a
     * fresh connection; a request the peer may have seen is never sent twice.
     */
    public <Q, R> CompletableFuture<R> call(NodeId node, InetSocketAddress address, CallType<Q, R> type, Q request,
            java.time.Duration timeout) {
        return connect(node, address).thenCompose(peer -> peer.call(type, request, timeout)).exceptionallyCompose(failure ->
                PeerGoneException.isNeverSent(failure)
                        ? connect(node, address).thenCompose(peer -> peer.call(type, request, timeout))
                        : CompletableFuture.failedFuture(failure instanceof java.util.concurrent.CompletionException
                                && failure.getCause() != null ? failure.getCause() : failure));
    }

    public Optional<Peer> peer(NodeId node) {
        return context.registry().get(node);
    }

    public Collection<Peer> peers() {
        return context.registry().all();
    }

    /** Stops listening and closes every connection; peers see the reason. */
    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        connections.forEach(channel -> CloseReason.closeTelling(channel, "node " + id() + " is shutting down"));
        connections.newCloseFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
        shutdown();
    }

    private CompletableFuture<Peer> dial(NodeId node, InetSocketAddress address) {
        CompletableFuture<Peer> result = new CompletableFuture<>();
        new Bootstrap()
                .group(group)
                .channel(network.channel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .option(ChannelOption.MESSAGE_SIZE_ESTIMATOR, FrameSizeEstimator.INSTANCE)
                .option(ChannelOption.ALLOCATOR, BUFFERS)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) context.config().handshakeTimeout().toMillis())
                .handler(new ConnectionInitializer(context, clientTls, connections, true, node, result))
                .connect(address)
                .addListener(connected -> {
                    if (!connected.isSuccess()) {
                        result.completeExceptionally(new PeerGoneException("cannot connect to " + node + " at "
                                + address + ": " + HandshakeHandler.describe(connected.cause()), connected.cause()));
                    }
                });
        return result;
    }

    private void shutdown() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        bulk.shutdownNow();
        handlerExecutor.shutdownNow();
    }
}
