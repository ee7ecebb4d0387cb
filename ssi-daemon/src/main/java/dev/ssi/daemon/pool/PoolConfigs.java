package dev.ssi.daemon.pool;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * One ssid configuration file per node of a local pool: its own address and directory, every
 * other node a peer, its load measured in its own cgroup (whose quota stands for its cores), and
 * any further settings the pool was started with, the same for every node.
 */
final class PoolConfigs {
    private PoolConfigs() {}

    static void write(String poolId, List<PoolNode> nodes, Map<String, String> settings) {
        for (PoolNode node : nodes) {
            Properties config = new Properties();
            config.setProperty("load.scope", "cgroup");
            config.putAll(settings);
            config.setProperty("node.name", node.name());
            config.setProperty("listen", node.address().getHostString() + ":" + node.address().getPort());
            config.setProperty("identity.dir", node.identityDir().toString());
            config.setProperty("state.dir", node.dir().toString());
            config.setProperty("control.socket", node.socket().toString());
            config.setProperty("peers", nodes.stream().filter(peer -> !peer.equals(node))
                    .map(PoolNode::asPeer).collect(Collectors.joining(",")));
            try (Writer out = Files.newBufferedWriter(node.config(), StandardCharsets.UTF_8)) {
                config.store(out, "ssid of " + node.name() + " in local pool " + poolId);
            } catch (IOException e) {
                throw new PoolException("cannot write " + node.config() + ": " + e.getMessage(), e);
            }
        }
    }
}
