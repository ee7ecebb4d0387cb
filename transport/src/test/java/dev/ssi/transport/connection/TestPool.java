package dev.ssi.transport.connection;

import dev.ssi.transport.NodeId;
import dev.ssi.transport.stream.StreamSettings;
import dev.ssi.transport.trust.NodeIdentity;
import dev.ssi.transport.trust.PoolAuthority;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A pool CA and nodes on the loopback address, all closed together. */
public final class TestPool implements AutoCloseable {
    public static final StreamSettings SMALL_STREAMS = new StreamSettings(64 << 10, 256 << 10, 1000, 64L << 20, 256L << 20);

    public final PoolAuthority authority = PoolAuthority.create("test", Duration.ofDays(1));
    private final List<TransportNode> nodes = new ArrayList<>();

    public TransportNode start(String name) {
        return start(authority.admit(NodeId.of(name), Duration.ofDays(1)));
    }

    public TransportNode start(NodeIdentity identity) {
        return start(identity, config());
    }

    public TransportNode start(String name, TransportConfig config) {
        return start(authority.admit(NodeId.of(name), Duration.ofDays(1)), config);
    }

    private TransportNode start(NodeIdentity identity, TransportConfig config) {
        try {
            TransportNode node = TransportNode.start(identity, config);
            nodes.add(node);
            return node;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static TransportConfig config() {
        TransportConfig defaults = TransportConfig.defaults(new InetSocketAddress("127.0.0.1", 0));
        return new TransportConfig(defaults.listen(), defaults.tls(), SMALL_STREAMS, java.util.Set.of("test"),
                Duration.ofSeconds(5), 1, 2, 2, PeerLimits.DEFAULTS);
    }

    public static Peer connect(TransportNode from, TransportNode to) {
        return from.connect(to.id(), to.address()).join();
    }

    @Override
    public void close() {
        nodes.forEach(TransportNode::close);
    }
}
