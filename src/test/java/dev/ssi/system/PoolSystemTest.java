package dev.ssi.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.pool.PoolDaemons;
import dev.ssi.system.SystemPool.Cli;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole system as a user meets it: a local pool of two hosts in their own network
 * namespaces and cgroups plus the workstation, a real ssid on each, jobs started with the real
 * ssi-run and moved with the real ssi command.
 */
@Timeout(180)
class PoolSystemTest {
    private static final String COUNTER = "i=0; while [ $i -lt %d ]; do i=$((i+1)); echo $i; sleep 0.01; done";

    @RegisterExtension
    final SystemPoolExtension system = new SystemPoolExtension(2);

    @Test
    void numberedLinesComeHomeIntactWhileTheJobTravelsToEachHostAndBack() throws Exception {
        Process run = system.pool().ssiRun(system.work(), List.of("sh", "-c", COUNTER.formatted(3000)));
        BufferedReader out = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String job = readLinesThenFindTheJob(out, seen);
        for (String node : List.of("h1", "h2", "ws")) {
            Cli moved = system.pool().ssi("migrate", job, node);
            assertEquals(0, moved.exit(), moved.err());
            assertEquals(node, system.pool().whereRuns(job));
            if (!node.equals("ws")) {
                assertTrue(system.pool().processesIn(node) > 1,
                        "the job runs in " + node + "'s cgroup beside its ssid");
            }
            readLines(out, seen, 50);
        }
        for (String line; (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
        }
        assertEquals(0, run.waitFor());
        assertEquals(numbers(3000), seen.toString());
    }

    @Test
    void xzMovedMidRunToAHostWritesTheSameBytesAsALocalRun() throws Exception {
        Path input = TestInputs.words(system.work().resolve("words.txt"), 16_000_000);
        List<String> xz = List.of("xz", "-6", "-T1", "-c", input.toString());
        Process local = new ProcessBuilder(xz).start();
        ProcessOutput expected = ProcessOutput.of(local.getInputStream());

        Process run = system.pool().ssiRun(system.work(), xz);
        ProcessOutput moved = ProcessOutput.of(run.getInputStream());
        moved.awaitBytes(1);
        Cli migrated = system.pool().ssi("migrate", system.pool().awaitJob(), "h1");
        assertEquals(0, migrated.exit(), migrated.err());

        assertEquals(0, run.waitFor());
        assertEquals(0, local.waitFor());
        assertArrayEquals(expected.all(), moved.all(), "xz's output after a move between namespaces");
    }

    @Test
    void aMoveToANodeThatIsDownIsRefusedByNameAndTheJobRunsOn() throws Exception {
        ProcessHandle h2 = PoolDaemons.running(PoolDaemons.node(system.pool().local(), "h2")).orElseThrow();
        h2.destroyForcibly();
        h2.onExit().get(10, TimeUnit.SECONDS);

        Process run = system.pool().ssiRun(system.work(), List.of("sh", "-c", COUNTER.formatted(3000)));
        BufferedReader out = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String job = readLinesThenFindTheJob(out, seen);
        Cli refused = system.pool().ssi("migrate", job, "h2");
        assertEquals(1, refused.exit());
        assertTrue(refused.err().startsWith("ssi: ") && refused.err().contains("h2"), refused.err());
        assertEquals("ws", system.pool().whereRuns(job));

        for (String line; (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
        }
        assertEquals(0, run.waitFor());
        assertEquals(numbers(3000), seen.toString());
    }

    private String readLinesThenFindTheJob(BufferedReader out, StringBuilder seen) throws Exception {
        readLines(out, seen, 50);
        return system.pool().awaitJob();
    }

    private static void readLines(BufferedReader out, StringBuilder seen, int lines) throws IOException {
        for (int i = 0; i < lines; i++) {
            String line = out.readLine();
            assertTrue(line != null, "the job ended early, after: " + seen.length() + " characters");
            seen.append(line).append('\n');
        }
    }

    private static String numbers(int upTo) {
        return IntStream.rangeClosed(1, upTo).mapToObj(i -> i + "\n").collect(Collectors.joining());
    }
}
