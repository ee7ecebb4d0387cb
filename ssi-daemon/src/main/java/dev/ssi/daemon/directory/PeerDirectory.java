package dev.ssi.daemon.directory;

import dev.ssi.daemon.peer.PeerCalls;
import dev.ssi.transport.CallType;
import dev.ssi.transport.MessageType;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.connection.Peer;
import dev.ssi.transport.connection.TransportNode;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is in the pool as far as this node knows, and where they listen: the way to reach any of
 * them by name. It holds at most {@code capacity} nodes besides itself; one more is refused and
 * logged (a pool that size is beyond what gossip here is built for, or someone floods it).
 */
public final class PeerDirectory implements PeerCalls {
    public static final int CAPACITY = 1024;
    private static final System.Logger LOG = System.getLogger(PeerDirectory.class.getName());

    private final TransportNode transport;
    private final int capacity;
    private final Map<NodeId, InetSocketAddress> addresses = new ConcurrentHashMap<>();

    public PeerDirectory(TransportNode transport, int capacity) {
        this.transport = transport;
        this.capacity = capacity;
    }

    public NodeId self() {
        return transport.id();
    }

    public InetSocketAddress address() {
        return transport.address();
    }

    /**
     * {@code node} listens at {@code address}, as configuration or another node says. A node not
     * known yet is refused (false, and logged) when the directory is full; a known one keeps its
     * address (false when this named another): only the node itself moves it ({@link #moved}).
     */
    public synchronized boolean introduce(NodeId node, InetSocketAddress address) {
        InetSocketAddress known = addresses.get(node);
        if (known != null) {
            return known.equals(address);
        }
        return moved(node, address);
    }

    /**
     * {@code node} itself says it listens at {@code address}: a known node's address changes; a
     * new one is refused (false, and logged) when the directory is full.
     */
    public synchronized boolean moved(NodeId node, InetSocketAddress address) {
        if (!addresses.containsKey(node) && addresses.size() >= capacity) {
            LOG.log(System.Logger.Level.WARNING, "peer directory full (" + capacity + " nodes): " + node + " at "
                    + address + " is not taken in");
            return false;
        }
        addresses.put(node, address);
        return true;
    }

    /** Forgets {@code node}: none has mentioned it for too long. */
    public void forget(NodeId node) {
        addresses.remove(node);
    }

    public Optional<InetSocketAddress> addressOf(NodeId node) {
        return Optional.ofNullable(addresses.get(node));
    }

    /** The nodes this one knows, itself first. */
    public List<Map<String, Object>> nodes() {
        List<Map<String, Object>> all = new ArrayList<>();
        all.add(Map.of("node", self().value(), "address", address().toString(), "self", true));
        addresses.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> all.add(
                Map.of("node", e.getKey().value(), "address", e.getValue().toString(), "self", false)));
        return all;
    }

    /** The connection to {@code node}, dialed if need be; fails when it is unknown or unreachable. */
    public CompletableFuture<Peer> connect(NodeId node) {
        InetSocketAddress address = addresses.get(node);
        return address == null
                ? CompletableFuture.failedFuture(new IllegalStateException("unknown node " + node))
                : transport.connect(node, address);
    }

    /** Sends {@code message} to {@code node}, connecting first if need be; fails when it is unknown or unreachable. */
    public <T> CompletableFuture<Void> send(NodeId node, MessageType<T> type, T message) {
        return connect(node).thenCompose(peer -> peer.send(type, message));
    }

    @Override
    public <Q, R> CompletableFuture<R> call(NodeId node, CallType<Q, R> type, Q request, Duration timeout) {
        InetSocketAddress address = addresses.get(node);
        return address == null
                ? CompletableFuture.failedFuture(new IllegalStateException("unknown node " + node))
                : transport.call(node, address, type, request, timeout);
    }
}
