package dev.ssi.system.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.pool.Commands;
import dev.ssi.pool.HostStatus;
import dev.ssi.pool.LocalPool;
import dev.ssi.pool.PoolHost;
import dev.ssi.pool.PoolSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two pools made at the same time share no name, address or cgroup, and one's down spares the other. */
class PoolIsolationTest {
    private Path dirA;
    private Path dirB;

    @BeforeEach
    void makeDirs() throws IOException {
        Traces.assumeRoot();
        Path parent = Files.createTempDirectory("ssi-pool-test-");
        dirA = parent.resolve("a");
        dirB = parent.resolve("b");
    }

    @AfterEach
    void removeEverything() throws IOException {
        try {
            LocalPool.down(dirA);
        } finally {
            LocalPool.down(dirB);
            Files.deleteIfExists(dirA.getParent());
        }
    }

    @Test
    void twoPoolsMadeAtOnceDoNotCollide() {
        PoolSpec spec = new PoolSpec(2, 0.5, Optional.empty());
        CompletableFuture<LocalPool> makingA = CompletableFuture.supplyAsync(() -> LocalPool.up(dirA, spec));
        CompletableFuture<LocalPool> makingB = CompletableFuture.supplyAsync(() -> LocalPool.up(dirB, spec));
        LocalPool a = makingA.join();
        LocalPool b = makingB.join();

        assertNotEquals(a.id(), b.id());
        assertNotEquals(a.workstationAddress(), b.workstationAddress());
        for (int i = 0; i < 2; i++) {
            PoolHost hostA = a.hosts().get(i);
            PoolHost hostB = b.hosts().get(i);
            assertNotEquals(hostA.address(), hostB.address());
            assertNotEquals(hostA.namespace(), hostB.namespace());
            assertNotEquals(hostA.cgroup(), hostB.cgroup());
        }
        assertTrue(a.status().stream().allMatch(HostStatus::alive));
        assertTrue(b.status().stream().allMatch(HostStatus::alive));
        String reply = Commands.run(b.commandIn("h2", List.of("bash", "-c",
                "exec 2>&1; echo > /dev/tcp/" + b.host("h1").address() + "/9; true")));
        assertTrue(reply.contains("Connection refused"), "h1 of pool " + b.id() + " answers h2: " + reply);

        a.down();

        Traces.assertNoTraceOf(a.id());
        assertFalse(Traces.of(b.id()).isEmpty());
        assertTrue(b.status().stream().allMatch(HostStatus::alive), "pool " + b.id() + " outlives " + a.id());
        assertEquals(b.id(), LocalPool.open(dirB).orElseThrow().id());
    }
}
