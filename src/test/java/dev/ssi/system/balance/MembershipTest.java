package dev.ssi.system.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.daemon.LoopbackNodes;
import dev.ssi.daemon.node.Node;
import dev.ssi.daemon.balance.Balance;
import dev.ssi.daemon.balance.BalanceConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gossip between real nodes (mutual TLS on loopback): a node that only one member was told of
 * is learned by the others from gossip, address and all, without restarting anyone; when it
 * falls silent it is suspected, then forgotten.
 */
@Timeout(90)
class MembershipTest {
    @TempDir
    Path state;

    /** Made by each test, with the nodes it needs; closed after it. */
    @AutoClose
    private LoopbackNodes pool;

    @Test
    void aNewNodeIsLearnedFromGossipThenSuspectedAndForgottenWhenItFallsSilent() throws Exception {
        pool = new LoopbackNodes(state);
        Node a = pool.startUnintroduced("a", 4);
        Node b = pool.startUnintroduced("b", 4);
        a.directory().introduce(b.id(), b.address());
        b.directory().introduce(a.id(), a.address());
        Balance atA = pool.closing(Balance.start(a, config(a), Map.of("b", b.address())));
        Balance atB = pool.closing(Balance.start(b, config(b), Map.of("a", a.address())));

        // c is configured with a alone; neither a nor b has ever heard of it.
        Node c = pool.startUnintroduced("c", 4);
        c.directory().introduce(a.id(), a.address());
        Balance atC = Balance.start(c, config(c), Map.of("a", a.address()));

        Map<String, Object> seenByB = await(atB, "c", row -> "alive".equals(row.get("state")));
        assertEquals(c.address().toString(), seenByB.get("address"), "b learnt where c listens from gossip");
        assertEquals(0.0, ((Number) seenByB.get("home_jobs")).doubleValue());
        assertTrue(b.directory().nodes().stream().anyMatch(n -> n.get("node").equals("c")), "and introduced c to its directory");
        await(atA, "c", row -> "alive".equals(row.get("state")));

        atC.close();
        c.close();
        await(atB, "c", row -> "suspect".equals(row.get("state")));
        Map<String, Object> forgotten = await(atB, "c", row -> "unknown".equals(row.get("state")));
        assertEquals(null, forgotten.get("age_s"), "nothing is known of a forgotten node's load");
        assertEquals("alive", row(atB, "a").orElseThrow().get("state"), "a, still gossiping, stays alive");
    }

    private static BalanceConfig config(Node node) {
        Properties p = new Properties();
        p.setProperty("gossip.interval", "100ms");
        p.setProperty("gossip.suspect-after", "1s");
        p.setProperty("gossip.forget-after", "2s");
        p.setProperty("balance.enabled", "false");
        return BalanceConfig.read(p, node.address());
    }

    private static Map<String, Object> await(Balance balance, String node, Predicate<Map<String, Object>> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Optional<Map<String, Object>> row = row(balance, node);
            if (row.isPresent() && condition.test(row.get())) {
                return row.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("never saw the wanted state of " + node + ": " + balance.nodes());
    }

    private static Optional<Map<String, Object>> row(Balance balance, String node) {
        List<Map<String, Object>> rows = balance.nodes();
        return rows.stream().filter(row -> row.get("node").equals(node)).findFirst();
    }
}
