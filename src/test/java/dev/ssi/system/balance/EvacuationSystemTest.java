package dev.ssi.system.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.ssi.daemon.balance.input.Pty;
import dev.ssi.daemon.control.ControlFrame.Payload;
import dev.ssi.daemon.control.ControlFrame.Type;
import dev.ssi.pool.PoolDaemons;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A reclaimed host sends its guests away, as a user meets it: a workstation and two hosts in a
 * local pool (real ssids, real CRIU, real namespaces), a job started with the real ssi-run on the
 * workstation and moved to h1 with {@code ssi migrate}; balancing is off, so only the reclaim
 * moves it. Then h1's owner takes h1 back — {@code ssi drain}, the owner's own CPU load, typing
 * at a terminal h1 watches (a real pty that a real program reads), office hours in h1's
 * schedule, or SIGTERM to its ssid — and the job must leave h1 and still end right. Where no
 * node takes it (the workstation and h2 drained too), it is frozen at its home, and runs again
 * by itself once a node takes it — after its home was killed and restarted too.
 */
@Timeout(300)
class EvacuationSystemTest {
    private static final double CPUS = 0.4;
    private static final String GO = "go";

    private BalancingPool pool;

    private void up(Map<String, String> settings) throws IOException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "local pools need root");
        pool = BalancingPool.up(2, CPUS, settings);
    }

    @AfterEach
    void down() {
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    void aDrainedHostSendsItsGuestElsewhereAndTheJobEndsRight() throws Exception {
        up(Map.of("balance.enabled", "false"));
        try (Guest guest = Guest.onH1(pool)) {
            JsonNode drained = pool.ask("h1", Type.DRAIN, new Payload().u32(1));
            assertTrue(drained.path("drained").asBoolean(), "h1 answered the drain: " + drained);
            guest.awaitGone("drained");
            assertEquals("reclaiming", selfMode("h1"), "h1 says it is reclaimed");
            guest.finish();
            pool.ask("h1", Type.DRAIN, new Payload().u32(0));
            assertEquals("open", awaitMode("h1", "open"), "h1 undrained takes guests again");
        }
    }

    @Test
    void theOwnersOwnLoadOnAHostSendsItsGuestElsewhere() throws Exception {
        up(Map.of("balance.enabled", "false", "reclaim.owner-load", "true", "reclaim.idle-after", "5s"));
        try (Guest guest = Guest.onH1(pool)) {
            Process hog = pool.onHost("h1", CpuJob.endless());
            try {
                guest.awaitGone("its owner's CPU hog ran");
                assertEquals("reclaiming", selfMode("h1"), "h1 says it is reclaimed while its owner works");
            } finally {
                hog.destroy();
                assertTrue(hog.waitFor(30, TimeUnit.SECONDS), "the owner's hog ended");
            }
            guest.finish();
            assertEquals("open", awaitMode("h1", "open"), "h1 takes guests again once its owner is idle");
        }
    }

    @Test
    void sigtermToAHostsSsidSendsItsGuestAwayBeforeItExits() throws Exception {
        up(Map.of("balance.enabled", "false", "reclaim.stop-timeout", "60s"));
        try (Guest guest = Guest.onH1(pool)) {
            ProcessHandle ssid = PoolDaemons.running(PoolDaemons.node(pool.pool(), "h1")).orElseThrow();
            ssid.destroy();
            guest.awaitGone("its ssid got SIGTERM");
            assertTrue(ssid.onExit().get(90, TimeUnit.SECONDS) != null && !ssid.isAlive(), "h1's ssid exited");
            guest.finish();
        }
    }

    @Test
    void aGuestNoNodeTakesIsFrozenAtItsHomeAndThawsWhenAHostFreesUp() throws Exception {
        up(Map.of("balance.enabled", "false"));
        try (Guest guest = Guest.onH1(pool)) {
            closeEveryOtherNode();
            pool.ask("h1", Type.DRAIN, new Payload().u32(1));
            guest.awaitState("ws", "frozen", "h1 was drained with no node taking guests");
            pool.ask("h2", Type.DRAIN, new Payload().u32(0));
            guest.awaitState("h2", "running", "h2 took guests again");
            guest.finish();
        }
    }

    @Test
    void aFrozenJobOutlivesAKill9OfItsHomeAndRunsThereWhenItIsBack() throws Exception {
        up(Map.of("balance.enabled", "false"));
        try (Guest guest = Guest.onH1(pool)) {
            closeEveryOtherNode();
            pool.ask("h1", Type.DRAIN, new Payload().u32(1));
            guest.awaitState("ws", "frozen", "h1 was drained with no node taking guests");
            PoolDaemons.kill(PoolDaemons.node(pool.pool(), "ws"));
            // Restarted, ws is no longer drained (a drain lasts as long as the ssid): it takes its job back.
            PoolDaemons.restart(pool.pool(), "ws", Map.of());
            guest.awaitState("ws", "running", "ws came back and takes guests");
            guest.finish();
        }
    }

    /** The workstation and h2 take no guests, and h1 has heard so. */
    private void closeEveryOtherNode() throws Exception {
        pool.ask("ws", Type.DRAIN, new Payload().u32(1));
        pool.ask("h2", Type.DRAIN, new Payload().u32(1));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(modeSeenBy("h1", "ws").equals("closed") && modeSeenBy("h1", "h2").equals("closed"))) {
            assertTrue(System.nanoTime() < deadline, "h1 never heard that ws and h2 take no guests: "
                    + pool.ask("h1", Type.NODES, new Payload()));
            Thread.sleep(200);
        }
    }

    private String modeSeenBy(String node, String about) throws IOException {
        for (JsonNode row : pool.ask(node, Type.NODES, new Payload())) {
            if (row.path("node").asText().equals(about)) {
                return row.path("mode").asText();
            }
        }
        return "";
    }

    @Test
    void typingAtTheOwnersTerminalSendsTheGuestElsewhere() throws Exception {
        try (Pty terminal = Pty.open()) {
            terminal.lastTypedAt(Instant.now().minus(Duration.ofHours(1)));
            up(Map.of("balance.enabled", "false", "reclaim.idle-after", "20s",
                    "h1:reclaim.input", "true", "h1:reclaim.input-ttys", terminal.path().toString()));
            try (Guest guest = Guest.onH1(pool)) {
                assertEquals("open", selfMode("h1"), "nobody typed at h1's terminal for an hour");
                terminal.type("vi thesis.tex");
                guest.awaitGone("its owner typed at h1's terminal " + terminal.path());
                assertEquals("input", self("h1").path("reclaimed_by").asText(), "h1 says why it is reclaimed");
                guest.finish();
                assertEquals("open", awaitMode("h1", "open"), "h1 takes guests again once its owner is idle");
            }
        }
    }

    @Test
    void aScheduleThatCoversNowSetLiveSendsTheGuestElsewhere() throws Exception {
        up(Map.of("balance.enabled", "false"));
        try (Guest guest = Guest.onH1(pool)) {
            // The owner's office hours, set with ssi host set while the guest is there; every day, whole days: no midnight to race.
            JsonNode set = pool.ask("h1", Type.HOST, new Payload().u32(1).string("reclaim.schedule").string("Mon-Sun"));
            assertEquals("Mon-Sun", set.path("reclaim.schedule").asText(), "ssi host set answers the new rules: " + set);
            guest.awaitGone("h1's schedule covers now");
            assertEquals("reclaiming", selfMode("h1"));
            assertEquals("schedule", self("h1").path("reclaimed_by").asText(), "h1 says why it is reclaimed");
            guest.finish();
        }
    }

    private String selfMode(String node) throws IOException {
        return self(node).path("mode").asText();
    }

    private JsonNode self(String node) throws IOException {
        for (JsonNode row : pool.ask(node, Type.NODES, new Payload())) {
            if (row.path("self").asBoolean()) {
                return row;
            }
        }
        throw new AssertionError(node + " does not list itself");
    }

    private String awaitMode(String node, String mode) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String now = selfMode(node);
        while (!now.equals(mode) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            now = selfMode(node);
        }
        return now;
    }

    /** The gated job, started on the workstation and moved to h1; closing it ends it, if a test did not. */
    private static final class Guest implements AutoCloseable {
        private final BalancingPool pool;
        private final Process run;
        private final String job;

        private Guest(BalancingPool pool, Process run, String job) {
            this.pool = pool;
            this.run = run;
            this.job = job;
        }

        static Guest onH1(BalancingPool pool) throws Exception {
            Process run = pool.ssiRun(new GatedJob(GO).command());
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                Optional<String> job = Optional.empty();
                while (job.isEmpty()) {
                    assertTrue(System.nanoTime() < deadline && run.isAlive(), "the job started: " + pool.ps());
                    Thread.sleep(200);
                    job = jobIn(pool.ps());
                }
                JsonNode moved = pool.ask("ws", Type.MIGRATE, new Payload().string(job.get()).string("h1"));
                assertEquals("h1", moved.path("where").asText(), "ssi migrate moved the job to h1: " + moved);
                return new Guest(pool, run, job.get());
            } catch (Exception | AssertionError e) {
                run.destroy();
                throw e;
            }
        }

        private static Optional<String> jobIn(JsonNode ps) {
            return ps.size() == 1 ? Optional.of(ps.get(0).path("job").asText()) : Optional.empty();
        }

        String where() throws IOException {
            for (JsonNode row : pool.ps()) {
                if (row.path("job").asText().equals(job)) {
                    return row.path("where").asText();
                }
            }
            throw new AssertionError(job + " is not in ssi ps any more; did it end? ssi-run alive: " + run.isAlive());
        }

        /** Until the job runs on another node than h1, and is no longer moving. */
        void awaitGone(String because) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            String where = where();
            while (where.equals("h1") && System.nanoTime() < deadline) {
                Thread.sleep(200);
                where = where();
            }
            assertTrue(!where.equals("h1"), job + " still on h1 two minutes after " + because + "; h1's log: "
                    + pool.moveLog("h1"));
        }

        /** Until {@code ssi ps} says the job is {@code state} ("frozen", "running") on {@code node}. */
        void awaitState(String node, String state, String because) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            JsonNode row = row();
            while (!(row.path("where").asText().equals(node) && row.path("state").asText().equals(state))) {
                assertTrue(System.nanoTime() < deadline, job + " is not " + state + " on " + node + " two minutes after "
                        + because + ": " + row + "; h1's log: " + pool.moveLog("h1"));
                Thread.sleep(200);
                row = row();
            }
        }

        private JsonNode row() throws IOException {
            try {
                for (JsonNode row : pool.ps()) {
                    if (row.path("job").asText().equals(job)) {
                        return row;
                    }
                }
            } catch (IOException e) {
                // The workstation's ssid is restarting: ask again.
                return MissingNode.getInstance();
            }
            throw new AssertionError(job + " is not in ssi ps any more; did it end? ssi-run alive: " + run.isAlive());
        }

        /** Lets the job end and checks what it printed and its exit status. */
        void finish() throws Exception {
            Files.createFile(pool.work().resolve(GO));
            String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(run.waitFor(60, TimeUnit.SECONDS), "ssi-run ended");
            assertEquals(0, run.exitValue(), "the job's exit status, through ssi-run");
            GatedJob.check(out);
        }

        @Override
        public void close() throws InterruptedException {
            run.destroy();
            run.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
