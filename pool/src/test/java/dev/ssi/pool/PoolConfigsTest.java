package dev.ssi.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local pool's ssid configurations: settings for all nodes, for one node, and the input rule off unless set. */
class PoolConfigsTest {
    private static List<PoolNode> nodes(Path dir) throws IOException {
        List<PoolNode> nodes = List.of(new PoolNode("ws", new InetSocketAddress("10.0.0.1", 7420), dir.resolve("ws")),
                new PoolNode("h1", new InetSocketAddress("10.0.0.2", 7420), dir.resolve("h1")));
        for (PoolNode node : nodes) {
            Files.createDirectories(node.dir());
        }
        return nodes;
    }

    private static Properties read(PoolNode node) throws IOException {
        Properties config = new Properties();
        try (Reader in = Files.newBufferedReader(node.config())) {
            config.load(in);
        }
        return config;
    }

    @Test
    void aNodesOwnSettingsGoToItAloneOverThoseForAll(@TempDir Path dir) throws IOException {
        List<PoolNode> nodes = nodes(dir);
        PoolConfigs.write("p9", nodes, Map.of("reclaim.idle-after", "5s", "h1:reclaim.idle-after", "20s",
                "h1:reclaim.input", "true", "h1:reclaim.input-ttys", "/dev/pts/7"));
        Properties ws = read(nodes.get(0));
        Properties h1 = read(nodes.get(1));
        assertEquals("5s", ws.getProperty("reclaim.idle-after"));
        assertEquals("false", ws.getProperty("reclaim.input"), "the pool's nodes share this machine's keyboard");
        assertEquals(null, ws.getProperty("reclaim.input-ttys"));
        assertEquals("20s", h1.getProperty("reclaim.idle-after"));
        assertEquals("true", h1.getProperty("reclaim.input"));
        assertEquals("/dev/pts/7", h1.getProperty("reclaim.input-ttys"));
        assertTrue(h1.stringPropertyNames().stream().noneMatch(key -> key.contains(":")), h1.toString());
    }

    @Test
    void aSettingForANodeThePoolDoesNotHaveIsRefused(@TempDir Path dir) throws IOException {
        PoolException e = assertThrows(PoolException.class,
                () -> PoolConfigs.write("p9", nodes(dir), Map.of("h2:reclaim.input", "true")));
        assertTrue(e.getMessage().contains("'h2:reclaim.input' is for node 'h2'"), e.getMessage());
    }
}
