package dev.ssi.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Programs nobody here wrote, started with the real ssi-run on the workstation of a local pool
 * and moved to other hosts while they work: each move waits for evidence that the program is
 * under way, and succeeds only while it still runs, so every move is mid-run. What they write
 * must be byte for byte what a run on this machine, never moved, writes.
 */
@Timeout(240)
class RealProgramsTest {
    /**
     * Four threads hash and sum chunks; the main thread prints each chunk's result in chunk
     * order as it is ready (so the output does not depend on scheduling), then a digest of all.
     */
    private static final String CHUNK_DIGESTS = """
            import hashlib, sys, threading
            chunks, rounds, workers = int(sys.argv[1]), int(sys.argv[2]), 4
            results = [None] * chunks
            ready = [threading.Event() for _ in range(chunks)]
            def work(first):
                for i in range(first, chunks, workers):
                    h, total = hashlib.sha256(b"chunk %d" % i).digest(), 0
                    for _ in range(rounds):
                        h = hashlib.sha256(h).digest()
                        total = (total + int.from_bytes(h[:8], "big")) % (1 << 61)
                    results[i] = (h.hex(), total)
                    ready[i].set()
            threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
            for t in threads:
                t.start()
            digest = hashlib.sha256()
            for i in range(chunks):
                ready[i].wait()
                print("chunk", i, *results[i], flush=True)
                digest.update(results[i][0].encode())
            for t in threads:
                t.join()
            print("digest", digest.hexdigest(), flush=True)
            """;

    @RegisterExtension
    final SystemPoolExtension system = new SystemPoolExtension(2);

    /** What shows a program is under way, so that a move now is a move mid-run. */
    @FunctionalInterface
    private interface Progress {
        void await(ProcessOutput output) throws Exception;
    }

    private record Move(Progress after, String to) {}

    @Test
    void gzipMovedMidRunCompressesToTheSameBytesAsALocalRun() throws Exception {
        Path genome = TestInputs.bases(system.work().resolve("genome.txt"), 5_000_000);
        List<String> gzip = List.of("gzip", "-9", "-c", genome.toString());
        // gzip writes its output 16 KiB at a time: the first bytes home mean it is compressing.
        assertSameAsLocalRun(gzip, gzip, List.of(new Move(output -> output.awaitBytes(1), "h1")));
    }

    @Test
    void pythonWithThreadsMovedTwiceMidRunPrintsTheSameDigests() throws Exception {
        List<String> python = List.of("python3", "-c", CHUNK_DIGESTS, "48", "200000");
        assertSameAsLocalRun(python, python, List.of(
                new Move(output -> output.awaitLines(1), "h1"),
                new Move(output -> output.awaitLines(output.lines() + 2), "h2")));
    }

    @Test
    void sortMovedMidRunWritesTheSameOrderAsALocalRun() throws Exception {
        Path measurements = TestInputs.measurements(system.work().resolve("measurements.txt"), 1_500_000);
        Path jobRuns = Files.createDirectory(system.work().resolve("job-runs"));
        Path localRuns = Files.createDirectory(system.work().resolve("local-runs"));
        // With a 1 MiB buffer sort writes sorted runs to its -T directory as it reads, then merges them.
        assertSameAsLocalRun(sortG(measurements, localRuns), sortG(measurements, jobRuns),
                List.of(new Move(output -> awaitAFileIn(jobRuns), "h1")));
    }

    private static List<String> sortG(Path input, Path runs) {
        return List.of("sort", "-g", "-S", "1M", "--parallel=1", "-T", runs.toString(), input.toString());
    }

    /**
     * Runs {@code local} here and {@code job} through ssi-run at the same time, moves the job
     * as {@code moves} say, and compares what the two wrote.
     */
    private void assertSameAsLocalRun(List<String> local, List<String> job, List<Move> moves) throws Exception {
        Process reference = new ProcessBuilder(local).directory(system.work().toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        ProcessOutput expected = ProcessOutput.of(reference.getInputStream());
        Process run = system.pool().ssiRun(system.work(), job);
        ProcessOutput moved = ProcessOutput.of(run.getInputStream());
        String id = null;
        for (Move move : moves) {
            move.after().await(moved);
            id = id == null ? system.pool().awaitJob() : id;
            JsonNode report = system.pool().migrate(id, move.to());
            assertEquals(move.to(), report.path("where").asText(), report.toString());
            assertEquals(move.to(), system.pool().whereRuns(id));
        }
        assertEquals(0, run.waitFor(), "ssi-run's exit status");
        assertEquals(0, reference.waitFor(), "the local run's exit status");
        byte[] want = expected.all();
        assertTrue(want.length > 0, "the local run wrote something");
        assertArrayEquals(want, moved.all(), String.join(" ", job) + " after " + moves.size() + " move(s)");
    }

    private static void awaitAFileIn(Path directory) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (var entries = Files.list(directory)) {
                if (entries.findAny().isPresent()) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "nothing appeared in " + directory);
            Thread.sleep(10);
        }
    }
}
