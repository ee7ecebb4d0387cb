package dev.ssi.daemon;

import dev.ssi.checkpoint.Criu;
import dev.ssi.daemon.confine.GuestsConfig;
import dev.ssi.daemon.home.SpoolLimit;
import dev.ssi.daemon.node.Node;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.connection.TransportConfig;
import dev.ssi.transport.trust.NodeIdentity;
import dev.ssi.transport.trust.PoolAuthority;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Real nodes of one pool CA on the loopback address, each introduced to all others; closed together. */
public final class LoopbackNodes implements AutoCloseable {
    public static final Path BIN = Path.of(System.getProperty("ssi.bin", "../native/target/bin"));

    private final PoolAuthority authority = PoolAuthority.create("test-pool", Duration.ofDays(1));
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Path state;

    public LoopbackNodes(Path state) {
        this.state = state;
    }

    public Node start(String name, int maxGuests) throws Exception {
        return start(name, maxGuests, TransportConfig.defaults(new InetSocketAddress("127.0.0.1", 0)));
    }

    /** A node whose transport is configured as {@code config} says (its stream limits, say). */
    public Node start(String name, int maxGuests, TransportConfig config) throws Exception {
        return start(name, maxGuests, config, SpoolLimit.DEFAULT);
    }

    /** A node whose home keeps at most {@code outputSpool} of each job's output for its ssi-run. */
    public Node start(String name, int maxGuests, SpoolLimit outputSpool) throws Exception {
        return start(name, maxGuests, TransportConfig.defaults(new InetSocketAddress("127.0.0.1", 0)), outputSpool);
    }

    private Node start(String name, int maxGuests, TransportConfig config, SpoolLimit outputSpool) throws Exception {
        Node node = startUnintroduced(name, maxGuests, config, outputSpool);
        for (Node other : nodes) {
            if (other != node) {
                other.directory().introduce(node.id(), node.address());
                node.directory().introduce(other.id(), other.address());
            }
        }
        return node;
    }

    /** A node of the pool that knows no other, and that no other knows. */
    public Node startUnintroduced(String name, int maxGuests) throws Exception {
        return startUnintroduced(name, maxGuests, TransportConfig.defaults(new InetSocketAddress("127.0.0.1", 0)),
                SpoolLimit.DEFAULT);
    }

    private Node startUnintroduced(String name, int maxGuests, TransportConfig config, SpoolLimit outputSpool)
            throws Exception {
        Node node = Node.start(authority.admit(NodeId.of(name), Duration.ofDays(1)), config, Criu.locate(),
                BIN.resolve("ssi-init"), state.resolve(name),
                GuestsConfig.defaults().with(Map.of("guests.max", Integer.toString(maxGuests))), outputSpool, Map.of());
        nodes.add(node);
        open.add(node);
        return node;
    }

    /** A certificate of this pool's authority for {@code name}: a member's, for a peer that is no ssid (a hostile one). */
    public NodeIdentity admit(String name) {
        return authority.admit(NodeId.of(name), Duration.ofDays(1));
    }

    /** Closes {@code resource} with the nodes, before them. */
    public <T extends AutoCloseable> T closing(T resource) {
        open.add(0, resource);
        return resource;
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }
}
