package dev.ssi.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.daemon.node.Node;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.JobSpec;
import dev.ssi.daemon.job.Owner;
import dev.ssi.daemon.migration.MigrationException;
import dev.ssi.transport.NodeId;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Jobs moved between real nodes (mutual TLS on loopback, real CRIU): output arrives home
 * complete and in order, the exit status comes home, and a refused migration leaves the job
 * running where it was.
 */
@Timeout(120)
class MigrationTest extends LoopbackPoolTest {
    private Node h2;

    @BeforeEach
    void startH2() throws Exception {
        h2 = pool.start("h2", 4);
    }

    private JobId submit(String script, ByteArrayOutputStream out) throws Exception {
        return home.home().submit(new JobSpec(List.of("sh", "-c", script), System.getenv(), state, 022), Owner.ROOT, out);
    }

    @Test
    void jobTravelsWorkstationToH1ToH2AndHomeWithItsOutputIntact() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JobId job = submit(COUNTER.formatted(600), out);
        awaitLines(out, 50);
        home.host().migrate(job, h1.id());
        assertTrue(h1.host().runs(job) && !home.host().runs(job), "the job runs on h1 alone");
        awaitWhere(job, h1, 1);
        awaitLines(out, 150);
        h1.host().migrate(job, h2.id());
        assertTrue(h2.host().runs(job) && !h1.host().runs(job), "the job runs on h2 alone");
        awaitWhere(job, h2, 2);
        awaitLines(out, 250);
        h2.host().migrate(job, home.id());
        assertTrue(home.host().runs(job) && !h2.host().runs(job), "the job is home again");
        awaitWhere(job, home, 3);

        assertEquals(ExitStatus.exited(0), home.home().exitOf(job).get(60, TimeUnit.SECONDS));
        assertEquals(numbers(600), out.toString(StandardCharsets.UTF_8), "same as a run that never moved");
    }

    @Test
    void exitCodeComesHomeFromAwayAfterAllOutput() throws Exception {
        assertEndComesHomeFrom(h1, 200, "; exit 3", ExitStatus.exited(3));
    }

    @Test
    void deathBySignalComesHomeFromAway() throws Exception {
        assertEndComesHomeFrom(h2, 150, "; kill -TERM $$", ExitStatus.killedBy(15));
    }

    /** A job counting to {@code count}, then {@code ending}, moved to {@code away} mid-run: {@code end} comes home after all its output. */
    private void assertEndComesHomeFrom(Node away, int count, String ending, ExitStatus end) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JobId job = submit(COUNTER.formatted(count) + ending, out);
        awaitLines(out, 20);
        home.host().migrate(job, away.id());
        assertEquals(end, home.home().exitOf(job).get(60, TimeUnit.SECONDS));
        assertEquals(numbers(count), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void ctrlCReachesTheJobWhereverItRuns() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JobId job = submit(COUNTER.formatted(100_000), out);
        awaitLines(out, 20);
        home.host().migrate(job, h1.id());
        h1.host().migrate(job, h2.id());
        awaitWhere(job, h2, 2);
        home.home().signal(job, 2);
        assertEquals(ExitStatus.killedBy(2), home.home().exitOf(job).get(60, TimeUnit.SECONDS));
        assertFalse(h2.host().runs(job));
        String printed = out.toString(StandardCharsets.UTF_8);
        int last = printed.lines().mapToInt(Integer::parseInt).max().orElseThrow();
        assertEquals(numbers(last), printed, "no line lost or repeated before the signal");
    }

    @Test
    void refusalsLeaveTheJobRunningWhereItWas() throws Exception {
        Node full = pool.start("full", 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JobId job = submit(COUNTER.formatted(500), out);
        awaitLines(out, 10);

        assertMigrationFails(job, home.id(), "already runs on ws");
        assertMigrationFails(job, NodeId.of("nowhere"), "unknown node nowhere");
        home.directory().introduce(NodeId.of("down"), new InetSocketAddress("127.0.0.1", 1));
        assertMigrationFails(job, NodeId.of("down"), "node down at /127.0.0.1:1 is unreachable");
        assertMigrationFails(job, full.id(), "full is full: it has 0 guest jobs (guests.max=0)");
        MigrationException unknown = assertThrows(MigrationException.class,
                () -> home.host().migrate(new JobId("ws/999"), h1.id()));
        assertEquals("no job ws/999 runs on ws", unknown.getMessage());

        assertTrue(home.host().runs(job));
        assertFalse(h1.host().runs(job) || full.host().runs(job));
        assertEquals(ExitStatus.exited(0), home.home().exitOf(job).get(60, TimeUnit.SECONDS));
        assertEquals(numbers(500), out.toString(StandardCharsets.UTF_8), "it never stopped for long");
    }

    @Test
    void destinationThatCannotSeeTheJobsOpenFileRefusesBeforeAnythingFreezes() throws Exception {
        Path gone = state.resolve("held-open.txt");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // The job holds a file open whose path then disappears: no node can see it there any more.
        JobId job = submit("exec 3>" + gone + "; rm " + gone + "; " + COUNTER.formatted(200), out);
        awaitLines(out, 10);
        assertMigrationFails(job, h1.id(), "which this node cannot see");
        assertEquals(ExitStatus.exited(0), home.home().exitOf(job).get(60, TimeUnit.SECONDS));
        assertEquals(numbers(200), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void jobHoldingATcpConnectionIsPinnedHomeAndSaysWhy() throws Exception {
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String connect = "import socket, time; s = socket.create_connection(('127.0.0.1', %d)); print('connected', flush=True); time.sleep(600)"
                    .formatted(listener.getLocalPort());
            JobId job = home.home().submit(new JobSpec(List.of("python3", "-c", connect), System.getenv(), state, 022), Owner.ROOT, out);
            try (java.net.Socket accepted = listener.accept()) {
                awaitLines(out, 1);
                assertEquals(java.util.Optional.of("holds a TCP connection"), home.host().pinnedBecause(job));
                assertMigrationFails(job, h1.id(), job + " is pinned to ws: it holds a TCP connection");
                home.home().signal(job, 9);
                assertEquals(ExitStatus.killedBy(9), home.home().exitOf(job).get(30, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void plainJobIsNotPinned() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JobId job = submit(COUNTER.formatted(50), out);
        awaitLines(out, 1);
        assertEquals(java.util.Optional.empty(), home.host().pinnedBecause(job));
        assertEquals(ExitStatus.exited(0), home.home().exitOf(job).get(30, TimeUnit.SECONDS));
    }

    private void awaitWhere(JobId job, Node node, int migrations) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!home.home().homeJob(job).where().equals(node.id())) {
            assertTrue(System.nanoTime() < deadline, "home never learnt the job is on " + node.id());
            Thread.sleep(5);
        }
        assertEquals(migrations, home.home().homeJob(job).migrations());
    }

    private void assertMigrationFails(JobId job, NodeId to, String reason) {
        MigrationException e = assertThrows(MigrationException.class, () -> home.host().migrate(job, to));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertTrue(home.host().runs(job), "still running at home after: " + e.getMessage());
    }
}
