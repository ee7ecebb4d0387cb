package dev.ssi.system.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.pool.LocalPool;
import dev.ssi.pool.PoolCommand;
import dev.ssi.pool.PoolHost;
import dev.ssi.pool.PoolSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code down} leaves nothing behind: after a clean run, twice, and after its maker crashed. */
class PoolTeardownTest {
    private Path dir;
    private final List<String> ids = new ArrayList<>();
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void makeDir() throws IOException {
        Traces.assumeRoot();
        dir = Files.createTempDirectory("ssi-pool-test-").resolve("pool");
    }

    @AfterEach
    void removeEverything() throws Exception {
        try {
            LocalPool.down(dir);
            for (String id : ids) {
                LocalPool.downById(id);
            }
        } finally {
            for (Process process : started) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            deleteTree(dir.getParent());
        }
    }

    @Test
    void downRemovesEveryNamespaceLinkCgroupProcessAndFile() throws Exception {
        LocalPool pool = up(2);
        List<ProcessHandle> processes = new ArrayList<>();
        for (PoolHost host : pool.hosts()) {
            processes.add(start(pool.processIn(host.name(), List.of("sleep", "600"))));
        }
        // One that entered a host's namespace behind the pool's back, outside its cgroup.
        processes.add(start(new ProcessBuilder("nsenter", "--net=/run/netns/" + pool.host("h2").namespace(), "sleep", "600")));
        Files.writeString(pool.host("h1").stateDir().resolve("journal"), "the daemon's state");

        assertEquals(List.of(pool.id()), LocalPool.down(dir));

        Traces.assertNoTraceOf(pool.id());
        for (ProcessHandle process : processes) {
            assertFalse(process.onExit().get(5, TimeUnit.SECONDS).isAlive(), "killed: " + process.pid());
        }
        assertFalse(Files.exists(dir), "the pool directory and its hosts' state directories are gone");
        assertEquals(Optional.empty(), LocalPool.open(dir));
    }

    @Test
    void downTwiceIsFine() {
        LocalPool pool = up(1);
        pool.down();
        assertEquals(List.of(), LocalPool.down(dir));
        LocalPool.downById(pool.id());
        Traces.assertNoTraceOf(pool.id());
    }

    @Test
    void downFindsAPoolWhoseStateFileIsGone() throws IOException {
        LocalPool pool = up(2);
        Files.delete(dir.resolve("pool.state"));

        assertEquals(List.of(pool.id()), LocalPool.down(dir));

        Traces.assertNoTraceOf(pool.id());
        assertFalse(Files.exists(dir));
    }

    @Test
    void downByIdRemovesAPoolWhoseDirectoryIsGone() throws IOException {
        LocalPool pool = up(1);
        deleteTree(dir);

        LocalPool.downById(pool.id());

        Traces.assertNoTraceOf(pool.id());
    }

    @Test
    void downCleansUpAfterAMakerKilledHalfWay() throws Exception {
        Process maker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), PoolCommand.class.getName(),
                "up", "12", "--pool-dir", dir.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        started.add(maker);
        String id = awaitPoolId();
        ids.add(id);
        awaitFile(Path.of("/run/netns/ssi-" + id + "-h2"));
        maker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertFalse(LocalPool.open(dir).orElseThrow().complete(), "the maker died before it finished");
        assertFalse(Traces.of(id).isEmpty(), "the maker left a half-made pool");

        assertEquals(List.of(id), LocalPool.down(dir));

        Traces.assertNoTraceOf(id);
        assertFalse(Files.exists(dir));
    }

    private LocalPool up(int hosts) {
        LocalPool pool = LocalPool.up(dir, new PoolSpec(hosts, 1, Optional.empty()));
        ids.add(pool.id());
        return pool;
    }

    private ProcessHandle start(ProcessBuilder builder) throws IOException {
        Process process = builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(process);
        return process.toHandle();
    }

    private String awaitPoolId() throws Exception {
        Path state = dir.resolve("pool.state");
        awaitFile(state);
        Properties properties = new Properties();
        try (var in = Files.newBufferedReader(state)) {
            properties.load(in);
        }
        return properties.getProperty("id");
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(file)) {
            assertTrue(System.nanoTime() < deadline, file + " never appeared");
            Thread.sleep(5);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> tree = Files.walk(root)) {
                for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
