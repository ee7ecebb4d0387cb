package dev.ssi.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.daemon.balance.BalanceConfig;
import dev.ssi.daemon.home.SpoolLimit;
import dev.ssi.scheduler.MigrationPolicy;
import dev.ssi.scheduler.gossip.GossipConfig;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ssid's configuration file: defaults of the balancing keys, and bad values named by their key. */
class SsidConfigTest {
    @TempDir
    Path dir;

    @Test
    void balancingHasTheDocumentedDefaults() throws Exception {
        BalanceConfig balance = load("node.name=h1\nlisten=10.0.0.2:7420\n").balance();
        assertTrue(balance.enabled());
        assertTrue(balance.startPlacement());
        assertEquals(Duration.ofSeconds(2), balance.interval());
        assertEquals(GossipConfig.defaults(), balance.gossip());
        assertEquals(MigrationPolicy.defaults(), balance.policy());
        assertEquals(1e9 / 8, balance.linkBytesPerSecond());
        assertEquals("machine", balance.loadScope());
        assertEquals(1.0, balance.cpuSpeed().getAsDouble());
        assertEquals(new InetSocketAddress("10.0.0.2", 7420), balance.advertise().orElseThrow(),
                "a node advertises the address it listens on");
    }

    @Test
    void theAdminGroupIsReadAndRootAloneIsAdminWithoutIt() throws Exception {
        assertEquals("", load("node.name=h1\n").adminGroup());
        assertEquals("ssi-admins", load("node.name=h1\ncontrol.admin-group=ssi-admins\n").adminGroup());
    }

    @Test
    void everyBalancingKeyIsRead() throws Exception {
        BalanceConfig balance = load("""
                node.name=h1
                balance.enabled=false
                balance.interval=500ms
                balance.start-placement=false
                balance.link-rate=100mbit
                balance.cpu-bound=0.7
                balance.gain-over-cost=3
                balance.min-speedup=0.5
                balance.min-residence=1m
                balance.max-migrations=2
                gossip.interval=250ms
                gossip.fanout=3
                gossip.window=8
                gossip.max-known=64
                gossip.suspect-after=5s
                gossip.forget-after=20s
                load.scope=cgroup
                cpu.speed=calibrate
                advertise=10.1.2.3:9000
                """).balance();
        assertFalse(balance.enabled());
        assertFalse(balance.startPlacement());
        assertEquals(Duration.ofMillis(500), balance.interval());
        assertEquals(100e6 / 8, balance.linkBytesPerSecond());
        assertEquals(new GossipConfig(250, 3, 8, 64, 5_000, 20_000), balance.gossip());
        MigrationPolicy policy = balance.policy();
        assertEquals(0.7, policy.cpuBoundFraction());
        assertEquals(3, policy.gainOverCost());
        assertEquals(0.5, policy.minSpeedup());
        assertEquals(60_000, policy.minResidenceMillis());
        assertEquals(2, policy.maxMigrationsPerJob());
        assertEquals("cgroup", balance.loadScope());
        assertTrue(balance.cpuSpeed().isEmpty(), "calibrate");
        assertEquals(new InetSocketAddress("10.1.2.3", 9000), balance.advertise().orElseThrow());
    }

    @Test
    void theOutputSpoolLimitIs64MUnlessSetAndAtLeast2M() throws Exception {
        assertEquals(SpoolLimit.DEFAULT, load("node.name=h1\n").outputSpool());
        assertEquals(64L << 20, SpoolLimit.DEFAULT.bytes());
        assertEquals(new SpoolLimit(512L << 20), load("node.name=h1\noutput.spool-max=512M\n").outputSpool());
        var tooSmall = assertThrows(IllegalArgumentException.class, () -> load("node.name=h1\noutput.spool-max=1M\n"));
        assertTrue(tooSmall.getMessage().contains("'output.spool-max': '1M' is not a size of at least 2M"),
                tooSmall.getMessage());
    }

    @Test
    void aBadValueOrAnUnknownKeyIsAnErrorNamingTheKey() {
        for (String line : new String[] {"gossip.interval=1", "gossip.interval=0s", "gossip.fanout=0", "balance.enabled=yes",
                "balance.min-speedup=-1", "balance.link-rate=fast", "load.scope=galaxy", "cpu.speed=0",
                "gossip.forget-after=1s", "advertise=:7420", "balance.cpu-bound=2", "gossip.window=x",
                "output.spool-max=lots", "output.spool-max=0"}) {
            String key = line.substring(0, line.indexOf('='));
            var e = assertThrows(IllegalArgumentException.class, () -> load("node.name=h1\n" + line + "\n"), line);
            assertTrue(e.getMessage().contains("'" + key + "'"), line + " -> " + e.getMessage());
        }
        var unknown = assertThrows(IllegalArgumentException.class, () -> load("node.name=h1\ngossip.speed=3\n"));
        assertTrue(unknown.getMessage().contains("unknown key 'gossip.speed'"), unknown.getMessage());
    }

    private SsidConfig load(String text) throws Exception {
        Path file = dir.resolve("ssid.properties");
        Files.writeString(file, text);
        return SsidConfig.load(file);
    }
}
