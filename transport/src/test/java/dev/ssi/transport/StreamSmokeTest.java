package dev.ssi.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamSmokeTest {
    @TempDir
    Path tmp;

    @Test
    void sendsADirectory() throws Exception {
        try (TestPool pool = new TestPool()) {
            TransportNode a = pool.start("a");
            TransportNode b = pool.start("b");
            CompletableFuture<Path> received = new CompletableFuture<>();
            b.onStream(s -> s.accept(tmp.resolve("in")).whenComplete((p, e) -> {
                if (e != null) received.completeExceptionally(e); else received.complete(p);
            }));
            Path src = Files.createDirectory(tmp.resolve("src"));
            byte[] data = new byte[3_000_000];
            new Random(1).nextBytes(data);
            Files.write(src.resolve("x"), data);
            Files.write(src.resolve("empty"), new byte[0]);
            Files.write(src.resolve("zeros"), new byte[1_000_000]);
            Peer peer = TestPool.connect(a, b);
            var result = peer.sendDirectory(src, "job-1").completion().get(20, TimeUnit.SECONDS);
            Path in = received.get(5, TimeUnit.SECONDS);
            assertArrayEquals(data, Files.readAllBytes(in.resolve("x")));
            assertEquals(0, Files.size(in.resolve("empty")));
            assertArrayEquals(new byte[1_000_000], Files.readAllBytes(in.resolve("zeros")));
            assertEquals(3, result.files());
        }
    }
}
