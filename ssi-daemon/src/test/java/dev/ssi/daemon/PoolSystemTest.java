package dev.ssi.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssi.daemon.pool.LocalPool;
import dev.ssi.daemon.pool.PoolDaemons;
import dev.ssi.daemon.pool.PoolSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole system as a user meets it: a local pool of two hosts in their own network
 * namespaces and cgroups plus the workstation, a real ssid on each, jobs started with the real
 * ssi-run and moved with the real ssi command.
 */
@Timeout(180)
class PoolSystemTest {
    private static final Path BIN = Path.of(System.getProperty("ssi.bin", "../native/target/bin"));
    private static final String COUNTER = "i=0; while [ $i -lt %d ]; do i=$((i+1)); echo $i; sleep 0.01; done";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path work;
    private Path dir;
    private LocalPool pool;

    @BeforeEach
    void up() throws IOException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "local pools need root");
        work = Files.createTempDirectory("ssi-system-");
        dir = work.resolve("pool");
        pool = LocalPool.up(dir, new PoolSpec(2, 1, Optional.empty()));
        PoolDaemons.start(pool);
    }

    @AfterEach
    void down() {
        if (work != null) {
            LocalPool.down(dir);
            Directories.deleteTree(work);
        }
    }

    @Test
    void numberedLinesComeHomeIntactWhileTheJobTravelsToEachHostAndBack() throws Exception {
        Process run = ssiRun("sh", "-c", COUNTER.formatted(3000));
        BufferedReader out = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String job = readLinesThenFindTheJob(out, seen);
        for (String node : List.of("h1", "h2", "ws")) {
            Cli moved = ssi("migrate", job, node);
            assertEquals(0, moved.exit, moved.err);
            assertEquals(node, whereRuns(job));
            if (!node.equals("ws")) {
                assertTrue(processesIn(node) > 1, "the job runs in " + node + "'s cgroup beside its ssid");
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
        Path input = work.resolve("words.txt");
        writeWords(input, 16_000_000);
        List<String> xz = List.of("xz", "-6", "-T1", "-c", input.toString());
        Process local = new ProcessBuilder(xz).start();
        CompletableFuture<byte[]> expected = CompletableFuture.supplyAsync(() -> readAll(local.getInputStream()));

        Process run = ssiRun(xz.toArray(String[]::new));
        CompletableFuture<byte[]> moved = CompletableFuture.supplyAsync(() -> readAll(run.getInputStream()));
        String job = awaitJob();
        Cli migrated = ssi("migrate", job, "h1");
        assertEquals(0, migrated.exit, migrated.err);

        assertEquals(0, run.waitFor());
        assertEquals(0, local.waitFor());
        assertArrayEquals(expected.get(), moved.get(), "xz's output after a move between namespaces");
    }

    @Test
    void aMoveToANodeThatIsDownIsRefusedByNameAndTheJobRunsOn() throws Exception {
        ProcessHandle h2 = PoolDaemons.running(PoolDaemons.node(pool, "h2")).orElseThrow();
        h2.destroyForcibly();
        h2.onExit().get(10, TimeUnit.SECONDS);

        Process run = ssiRun("sh", "-c", COUNTER.formatted(3000));
        BufferedReader out = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String job = readLinesThenFindTheJob(out, seen);
        Cli refused = ssi("migrate", job, "h2");
        assertEquals(1, refused.exit);
        assertTrue(refused.err.startsWith("ssi: ") && refused.err.contains("h2"), refused.err);
        assertEquals("ws", whereRuns(job));

        for (String line; (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
        }
        assertEquals(0, run.waitFor());
        assertEquals(numbers(3000), seen.toString());
    }

    private record Cli(int exit, String out, String err) {}

    /** The real ssi command, in a JVM of its own, against the workstation's ssid. */
    private Cli ssi(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.ssi.daemon.cli.SsiCommand"));
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().put("SSI_SOCKET", workstationSocket().toString());
        Process process = builder.start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Cli(process.waitFor(), out, new String(err.get(), StandardCharsets.UTF_8));
    }

    private Process ssiRun(String... command) throws IOException {
        List<String> argv = new ArrayList<>(List.of(BIN.resolve("ssi-run").toString(), "--socket",
                workstationSocket().toString()));
        argv.addAll(List.of(command));
        return new ProcessBuilder(argv).directory(work.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private Path workstationSocket() {
        return PoolDaemons.node(pool, LocalPool.WORKSTATION).socket();
    }

    private JsonNode ps() throws Exception {
        Cli ps = ssi("ps", "--json");
        assertEquals(0, ps.exit, ps.err);
        return JSON.readTree(ps.out);
    }

    private String whereRuns(String job) throws Exception {
        for (JsonNode row : ps()) {
            if (row.path("job").asText().equals(job)) {
                return row.path("where").asText();
            }
        }
        throw new AssertionError("ssi ps does not list " + job);
    }

    /** The one job whose home is the workstation, once ssi ps lists it. */
    private String awaitJob() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            JsonNode jobs = ps();
            if (jobs.size() == 1) {
                return jobs.get(0).path("job").asText();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no job appeared in ssi ps");
    }

    private String readLinesThenFindTheJob(BufferedReader out, StringBuilder seen) throws Exception {
        readLines(out, seen, 50);
        return awaitJob();
    }

    private int processesIn(String host) {
        return pool.status().stream().filter(status -> status.host().name().equals(host)).findFirst().orElseThrow()
                .processes();
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

    /** Text of made-up words, compressible as prose is, the same on every run. */
    private static void writeWords(Path file, long size) throws IOException {
        Random random = new Random(42);
        List<String> words = IntStream.range(0, 5000)
                .mapToObj(i -> random.ints(2 + random.nextInt(8), 'a', 'z' + 1)
                        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString())
                .toList();
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            for (long written = 0; written < size; ) {
                String line = IntStream.range(0, 8).mapToObj(i -> words.get(random.nextInt(words.size())))
                        .collect(Collectors.joining(" ", "", "\n"));
                out.write(line);
                written += line.length();
            }
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
