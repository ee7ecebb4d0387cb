package dev.ssi.system.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.pool.LocalPool;
import dev.ssi.pool.PoolCommand;
import dev.ssi.pool.PoolDaemons;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ssi-pool command line: a whole round, and bad input that gets a clear error and changes nothing. */
class PoolCommandTest {
    private Path dir;
    private List<String> tracesBefore;

    @BeforeEach
    void snapshot() throws IOException {
        Traces.assumeRoot();
        dir = Files.createTempDirectory("ssi-pool-test-").resolve("pool");
        tracesBefore = Traces.all();
    }

    @AfterEach
    void removeEverything() throws IOException {
        LocalPool.down(dir);
        Files.deleteIfExists(dir.getParent());
    }

    @Test
    void upStatusExecDown() {
        Result up = run("up", "2", "--cpus-per-host", "0.5", "--link", "1gbit", "--pool-dir", dir.toString());
        assertEquals(0, up.exit, up.err);
        String id = LocalPool.open(dir).orElseThrow().id();
        assertTrue(up.out.contains("pool " + id + " in " + dir), up.out);
        assertTrue(up.out.matches("(?s).*\\nh2 +10\\.77\\.[0-9]+\\.3 +ssi-" + id + "-h2 +/ssi-" + id
                + "/h2 +0\\.5 +1gbit +yes +2 +pid [0-9]+ .*"), up.out);
        assertTrue(up.out.contains("(ssid pid "), "the workstation's ssid runs: " + up.out);
        assertTrue(up.out.contains("export SSI_SOCKET=" + dir.resolve("ws/ssid.sock")), up.out);

        Result status = run("status", "--pool-dir", dir.toString());
        assertEquals(0, status.exit, status.err);
        assertTrue(up.out.startsWith(status.out), status.out);

        assertEquals(3, run("exec", "h2", "--pool-dir", dir.toString(), "--", "sh", "-c", "exit 3").exit,
                "exec exits with the command's status");

        List<ProcessHandle> ssids = PoolDaemons.nodes(LocalPool.open(dir).orElseThrow()).stream()
                .map(node -> PoolDaemons.running(node).orElseThrow()).toList();
        Result down = run("down", "--pool-dir", dir.toString());
        assertEquals(0, down.exit, down.err);
        assertEquals("pool " + id + " is down", down.out.strip());
        Traces.assertNoTraceOf(id);
        assertTrue(ssids.stream().noneMatch(ProcessHandle::isAlive), "every ssid is stopped");
        assertFalse(Files.exists(dir), "the pool's directory is gone");
        assertTrue(run("down", "--pool-dir", dir.toString()).out.contains("nothing to take down"));
    }

    @Test
    void zeroHostsIsRefusedAndNothingIsMade() {
        Result result = run("up", "0", "--pool-dir", dir.toString());
        assertEquals(2, result.exit);
        assertTrue(result.err.startsWith("Invalid value for N: a pool has 1..100 hosts, not 0"), result.err);
        assertNothingChanged();
    }

    @Test
    void aRateThatDoesNotParseIsRefusedByName() {
        Result result = run("up", "2", "--link", "fast", "--pool-dir", dir.toString());
        assertEquals(2, result.exit);
        assertTrue(result.err.startsWith("Invalid value for option '--link': 'fast' is not a link rate"), result.err);
        assertNothingChanged();
    }

    @Test
    void aQuotaOfNoCoresIsRefusedByName() {
        Result result = run("up", "2", "--cpus-per-host", "0", "--pool-dir", dir.toString());
        assertEquals(2, result.exit);
        assertTrue(result.err.startsWith("Invalid value for option '--cpus-per-host': "), result.err);
        assertNothingChanged();
    }

    @Test
    void anUnknownFlagIsNamed() {
        Result result = run("up", "2", "--cpus", "1", "--pool-dir", dir.toString());
        assertEquals(2, result.exit);
        assertTrue(result.err.startsWith("Unknown options: '--cpus', '1'"), result.err);
        assertNothingChanged();
    }

    @Test
    void anUnknownHostIsNamedAndChangesNothing() {
        assertEquals(0, run("up", "1", "--pool-dir", dir.toString()).exit);
        String id = LocalPool.open(dir).orElseThrow().id();
        List<String> traces = Traces.all();

        Result result = run("exec", "h7", "--pool-dir", dir.toString(), "--", "true");

        assertEquals(1, result.exit);
        assertEquals("ssi-pool: no host 'h7' in pool " + id + "; its hosts are h1", result.err.strip());
        assertEquals(traces, Traces.all());
        assertTrue(LocalPool.open(dir).orElseThrow().status().get(0).alive());
    }

    @Test
    void withoutAPoolStatusSaysSoAndExecFails() {
        assertEquals("no pool in " + dir, run("status", "--pool-dir", dir.toString()).out.strip());
        Result exec = run("exec", "h1", "--pool-dir", dir.toString(), "--", "true");
        assertEquals(1, exec.exit);
        assertEquals("ssi-pool: no pool in " + dir, exec.err.strip());
        assertNothingChanged();
    }

    private void assertNothingChanged() {
        assertEquals(tracesBefore, Traces.all());
        assertFalse(Files.exists(dir), "no pool directory was made");
    }

    private record Result(int exit, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PoolCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(exit, out.toString(), err.toString());
    }
}
