package dev.ssi.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.daemon.LoopbackNodes;
import dev.ssi.daemon.node.Node;
import dev.ssi.daemon.control.ControlServer;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.node.Node;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real ssi-run client against a real ssid control socket, its job migrated mid-run. */
@Timeout(120)
class SsiRunTest {
    private static final Path BIN = LoopbackNodes.BIN;
    private static final String COUNTER = "i=0; while [ $i -lt %d ]; do i=$((i+1)); echo $i; sleep 0.004; done";

    @TempDir
    Path state;

    private LoopbackNodes pool;
    private Node home;
    private Node h1;
    private Path socket;

    @BeforeEach
    void startNodes() throws Exception {
        pool = new LoopbackNodes(state);
        home = pool.start("ws", 4);
        h1 = pool.start("h1", 4);
        socket = state.resolve("ssid.sock");
        pool.closing(ControlServer.start(socket, home));
    }

    @AfterEach
    void stop() throws Exception {
        pool.close();
    }

    private Process ssiRun(String... command) throws Exception {
        List<String> argv = new ArrayList<>(List.of(BIN.resolve("ssi-run").toString(), "--socket", socket.toString()));
        argv.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(state.toFile());
        pb.environment().put("SSI_TEST_VALUE", "carried along");
        return pb.start();
    }

    /** Python's subprocess tells death by signal (negative return code) from a plain exit. */
    private Process observed(String... command) throws Exception {
        List<String> argv = new ArrayList<>(List.of("python3", "-c",
                "import subprocess,sys; print(subprocess.run(sys.argv[1:]).returncode)",
                BIN.resolve("ssi-run").toString(), "--socket", socket.toString()));
        argv.addAll(List.of(command));
        return new ProcessBuilder(argv).start();
    }

    private static String numbers(int upTo) {
        return IntStream.rangeClosed(1, upTo).mapToObj(i -> i + "\n").collect(Collectors.joining());
    }

    @Test
    void jobSeesTheClientsEnvironmentDirectoryAndUmask() throws Exception {
        Process p = ssiRun("sh", "-c", "echo \"$SSI_TEST_VALUE\"; pwd; umask");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        assertEquals("carried along\n" + state.toRealPath() + "\n0022\n", out);
    }

    @Test
    void exitCodesArrive() throws Exception {
        for (int code : new int[] {0, 3, 42}) {
            Process p = ssiRun("sh", "-c", "exit " + code);
            assertEquals(code, p.waitFor());
        }
    }

    @Test
    void deathBySignalArrives() throws Exception {
        Process p = observed("sh", "-c", "kill -TERM $$");
        assertEquals("-15", new BufferedReader(new InputStreamReader(p.getInputStream())).readLine());
    }

    @Test
    void outputIsIntactWhileTheJobMigratesAndComesBack() throws Exception {
        Process p = ssiRun("sh", "-c", COUNTER.formatted(500));
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            seen.append(out.readLine()).append('\n');
        }
        JobId job = home.home().homeJobs().get(0).id();
        home.home().move(job, h1.id());
        assertTrue(h1.host().runs(job));
        for (int i = 0; i < 100; i++) {
            seen.append(out.readLine()).append('\n');
        }
        home.home().move(job, home.id());
        for (String line; (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
        }
        assertEquals(0, p.waitFor());
        assertEquals(numbers(500), seen.toString());
    }

    @Test
    void ctrlCStopsTheJobWhereverItIs() throws Exception {
        Process p = observed("sh", "-c", COUNTER.formatted(100_000) + " > /dev/null");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (home.home().homeJobs().isEmpty()) {
            assertTrue(System.nanoTime() < deadline);
            Thread.sleep(10);
        }
        JobId job = home.home().homeJobs().get(0).id();
        Thread.sleep(200);
        home.home().move(job, h1.id());
        ProcessHandle ssiRun = p.toHandle().children().findFirst().orElseThrow();
        new ProcessBuilder("kill", "-INT", Long.toString(ssiRun.pid())).start().waitFor();
        assertEquals("-2", new BufferedReader(new InputStreamReader(p.getInputStream())).readLine());
        assertTrue(!h1.host().runs(job) && !home.host().runs(job), "the job is gone everywhere");
    }

    @Test
    void aCommandThatCannotRunIsReported() throws Exception {
        Process p = ssiRun("no-such-command-for-ssi");
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(127, p.waitFor());
        assertTrue(out.contains("cannot run no-such-command-for-ssi"), out + err);
    }
}
