package dev.ssi.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.JobSpec;
import dev.ssi.daemon.job.Owner;
import dev.ssi.system.SsiInThisJvm.Run;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ssi admin command against a real ssid control socket: ps, nodes, migrate, home, freeze, thaw, kill. */
@Timeout(120)
class SsiCommandTest extends LoopbackPoolTest {
    private Path socket;

    @BeforeEach
    void serveControlSocket() throws Exception {
        socket = serveControl();
    }

    /** ssi against the workstation's control socket, unless the test names another (or a bad flag). */
    private Run ssi(String... args) {
        List<String> argv = new ArrayList<>(List.of(args));
        if (!argv.contains("--socket") && !argv.contains("--bogus")) {
            argv.add("--socket");
            argv.add(socket.toString());
        }
        return SsiInThisJvm.ssi(argv.toArray(String[]::new));
    }

    private JobId longJob() throws Exception {
        return home.home().submit(new JobSpec(List.of("sh", "-c", "while :; do sleep 0.01; done"), System.getenv(), state, 022),
                Owner.ROOT, new ByteArrayOutputStream());
    }

    @Test
    void psShowsTheJobAndWhereItRunsAsItMoves() throws Exception {
        JobId job = longJob();
        JsonNode ps = new ObjectMapper().readTree(ssi("ps", "--json").out());
        assertEquals(job.value(), ps.get(0).path("job").asText());
        assertEquals("root", ps.get(0).path("user").asText());
        assertEquals("ws", ps.get(0).path("where").asText());
        assertEquals("sh -c while :; do sleep 0.01; done", ps.get(0).path("command").asText());

        Run migrate = ssi("migrate", job.value(), "h1", "--json");
        assertEquals(0, migrate.status(), migrate.err());
        JsonNode moved = new ObjectMapper().readTree(migrate.out());
        assertEquals("h1", moved.path("where").asText());
        assertTrue(moved.path("image_bytes").asLong() > 0, migrate.out());
        assertTrue(moved.path("frozen_ms").asDouble() > 0, migrate.out());
        assertTrue(moved.path("total_ms").asDouble() >= moved.path("frozen_ms").asDouble(), migrate.out());
        assertTrue(h1.host().runs(job));
        Run table = ssi("ps");
        assertTrue(table.out().startsWith("job"), table.out());
        assertTrue(table.out().contains(job.value() + "  root  h1"), table.out());

        Run back = ssi("home", job.value());
        assertEquals(0, back.status(), back.err());
        assertTrue(home.host().runs(job));

        Run kill = ssi("kill", job.value());
        assertEquals(0, kill.status(), kill.err());
        assertEquals(ExitStatus.killedBy(9), home.home().exitOf(job).get(30, TimeUnit.SECONDS));
    }

    @Test
    void freezeKeepsAJobOnDiskAtItsHomeUntilThawAndItsOutputGoesOnWhole() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        JobId job = home.home().submit(new JobSpec(List.of("sh", "-c", "i=0; while :; do i=$((i+1)); echo $i; sleep 0.01; done"),
                System.getenv(), state, 022), Owner.ROOT, output);
        Run atHome = ssi("freeze", job.value());
        assertEquals(1, atHome.status());
        assertTrue(atHome.err().contains("runs on its home ws"), atHome.err());
        assertEquals(0, ssi("migrate", job.value(), "h1").status());

        Run freeze = ssi("freeze", job.value(), "--json");
        assertEquals(0, freeze.status(), freeze.err());
        assertEquals("ws", new ObjectMapper().readTree(freeze.out()).path("where").asText());
        JsonNode row = new ObjectMapper().readTree(ssi("ps", "--json").out()).get(0);
        assertEquals("frozen", row.path("state").asText(), row.toString());
        assertTrue(!home.host().runs(job) && !h1.host().runs(job) && home.home().isFrozen(job), "frozen: running nowhere");
        Run twice = ssi("freeze", job.value());
        assertEquals(1, twice.status());
        assertTrue(twice.err().contains("frozen already"), twice.err());

        Run thaw = ssi("thaw", job.value(), "--json");
        assertEquals(0, thaw.status(), thaw.err());
        assertEquals("running", new ObjectMapper().readTree(thaw.out()).path("state").asText(), thaw.out());
        assertTrue(home.host().runs(job) && !home.home().isFrozen(job));
        Thread.sleep(200);
        assertEquals(0, ssi("kill", job.value()).status());
        assertEquals(ExitStatus.killedBy(9), home.home().exitOf(job).get(30, TimeUnit.SECONDS));
        String[] lines = output.toString(StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < lines.length; i++) {
            assertEquals(Integer.toString(i + 1), lines[i], "line " + (i + 1) + " of the output, across the freeze");
        }
        assertTrue(lines.length > 10, "it counted on after its thaw: " + lines.length + " lines");
    }

    @Test
    void nodesListsThisNodeFirstThenItsPeers() throws Exception {
        JsonNode nodes = new ObjectMapper().readTree(ssi("nodes", "--json").out());
        assertEquals("ws", nodes.get(0).path("node").asText());
        assertTrue(nodes.get(0).path("self").asBoolean());
        assertEquals("h1", nodes.get(1).path("node").asText());
    }

    @Test
    void errorsNameTheJobOrNodeThatIsWrong() throws Exception {
        JobId job = longJob();
        Run unknownJob = ssi("migrate", "ws/999", "h1");
        assertEquals(1, unknownJob.status());
        assertEquals("ssi: no job ws/999 has its home on ws\n", unknownJob.err());
        Run unknownNode = ssi("migrate", job.value(), "nowhere");
        assertEquals(1, unknownNode.status());
        assertTrue(unknownNode.err().contains("unknown node nowhere"), unknownNode.err());
        Run notAJob = ssi("kill", "nonsense");
        assertTrue(notAJob.err().contains("not a job id: nonsense"), notAJob.err());
        assertTrue(home.host().runs(job), "nothing happened to the job");
    }

    @Test
    void wrongFlagNamesItself() {
        Run bogus = ssi("ps", "--bogus");
        assertEquals(2, bogus.status());
        assertTrue(bogus.err().contains("Unknown option: '--bogus'"), bogus.err());
    }

    @Test
    void noDaemonIsAClearError() {
        Run r = ssi("ps", "--socket", state.resolve("nothing.sock").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("ssi: no ssid at " + state.resolve("nothing.sock")), r.err());
    }
}
