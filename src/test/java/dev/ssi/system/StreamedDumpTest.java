package dev.ssi.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.daemon.LoopbackNodes;
import dev.ssi.daemon.node.Node;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.JobSpec;
import dev.ssi.daemon.job.Owner;
import dev.ssi.daemon.migration.MigrationException;
import dev.ssi.transport.connection.TransportConfig;
import dev.ssi.daemon.node.Node;
import dev.ssi.transport.stream.StreamSettings;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images stream to the destination while CRIU writes them: a stream that breaks off while the
 * job is being dumped must leave the job running where it was, its output whole, and nothing
 * of it at the destination.
 */
@Timeout(120)
class StreamedDumpTest {
    /** 16 MiB of data LZ4 cannot shrink, then numbered lines. */
    private static final String JOB = """
            import os, time
            data = os.urandom(16 << 20)
            for i in range(1, %d + 1):
                print(i, flush=True)
                time.sleep(0.005)
            """;
    /** Room for 4 MiB of images in all: a stream of the job's breaks off half-way through its dump. */
    private static final StreamSettings TIGHT = new StreamSettings(1 << 19, 16 << 20, 1000, 64L << 20, 4L << 20);

    @TempDir
    Path state;
    private LoopbackNodes pool;
    private Node home;
    private Node tight;

    @BeforeEach
    void startPool() throws Exception {
        pool = new LoopbackNodes(state);
        home = pool.start("ws", 4);
        tight = pool.start("tight", 4, TransportConfig.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withStreams(TIGHT));
    }

    @AfterEach
    void stopPool() throws Exception {
        pool.close();
    }

    @Test
    void aStreamThatBreaksOffMidDumpLeavesTheJobRunningHomeAndNothingAtTheDestination() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JobId job = home.home().submit(new JobSpec(List.of("python3", "-c", JOB.formatted(400)), System.getenv(), state,
                022), Owner.ROOT, out);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (out.toString(StandardCharsets.UTF_8).lines().count() < 5) {
            assertTrue(System.nanoTime() < deadline, "the job printed nothing");
            Thread.sleep(5);
        }

        MigrationException e = assertThrows(MigrationException.class, () -> home.host().migrate(job, tight.id()));
        assertTrue(e.getMessage().contains("more than the limit of " + TIGHT.maxTotalBytes()), e.getMessage());
        assertTrue(home.host().runs(job), "the job runs on at home");
        assertFalse(tight.host().runs(job));
        try (var left = Files.list(state.resolve("tight").resolve("incoming"))) {
            assertEquals(List.of(), left.toList(), "nothing of the job is left at the destination");
        }

        assertEquals(ExitStatus.exited(0), home.home().exitOf(job).get(60, TimeUnit.SECONDS));
        assertEquals(IntStream.rangeClosed(1, 400).mapToObj(i -> i + "\n").collect(Collectors.joining()),
                out.toString(StandardCharsets.UTF_8), "every line once, in order, after the failed move");
    }
}
