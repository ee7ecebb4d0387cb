package dev.ssi.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.daemon.LoopbackNodes;
import dev.ssi.daemon.job.JobId;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The real ssi-run client against a real ssid control socket, its job migrated mid-run. */
@Timeout(120)
class SsiRunTest extends LoopbackPoolTest {
    private static final Path BIN = LoopbackNodes.BIN;

    private Path socket;

    @BeforeEach
    void serveControlSocket() throws Exception {
        socket = serveControl();
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
