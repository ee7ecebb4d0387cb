package dev.ssi.pool;

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
 * any further settings the pool was started with: {@code key} for every node, {@code node:key}
 * for that node alone (over the first). The input rule is off unless set: the pool's nodes share
 * this machine's keyboard and terminals, so one user's typing would reclaim them all.
 */
final class PoolConfigs {
    private PoolConfigs() {}

    static void write(String poolId, List<PoolNode> nodes, Map<String, String> settings) {
        for (String key : settings.keySet()) {
            String prefix = key.contains(":") ? key.substring(0, key.indexOf(':')) : null;
            if (prefix != null && nodes.stream().noneMatch(node -> node.name().equals(prefix))) {
                throw new PoolException("setting '" + key + "' is for node '" + prefix + "', which pool " + poolId
                        + " does not have; its nodes are " + nodes.stream().map(PoolNode::name).collect(Collectors.joining(", ")));
            }
        }
        for (PoolNode node : nodes) {
            Properties config = new Properties();
            config.setProperty("load.scope", "cgroup");
            config.setProperty("reclaim.input", "false");
            settings.forEach((key, value) -> {
                if (!key.contains(":")) {
                    config.setProperty(key, value);
                }
            });
            String own = node.name() + ":";
            settings.forEach((key, value) -> {
                if (key.startsWith(own)) {
                    config.setProperty(key.substring(own.length()), value);
                }
            });
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
