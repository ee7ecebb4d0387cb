package dev.ssi.system.balance;

import static dev.ssi.system.SsiInThisJvm.ssi;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ssi.daemon.control.ControlFrame.Payload;
import dev.ssi.daemon.control.ControlFrame.Type;
import dev.ssi.pool.PoolDaemons;
import dev.ssi.system.SsiInThisJvm.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A host owner's terms for guests, as they meet real guest jobs: a local pool (real ssids, real
 * CRIU, real namespaces and cgroups), CPU-bound jobs started with the real ssi-run on the
 * workstation and moved with {@code ssi migrate}. A guest on a host with a CPU quota of 0.2 gets
 * no more than that, at the guests' nice level; {@code ssi host set} changes both while it runs;
 * a host that takes no jobs of the job's user refuses it, by name, and the scheduler never sends
 * it there; bad input to {@code ssi host set} is named and changes nothing.
 */
@Timeout(400)
class GuestPolicySystemTest {
    private static final String GO = "go";
    /** How long a CPU share is measured over. */
    private static final double WINDOW_SECONDS = 6;
    /** What the kernel's accounting and the edges of the window may add to a quota. */
    private static final double SLACK_SECONDS = 0.15;
    private static final double TICKS_PER_SECOND = 100;

    private BalancingPool pool;

    private void up(int hosts, double cpus, Map<String, String> settings) throws IOException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "local pools need root");
        pool = BalancingPool.up(hosts, cpus, settings);
    }

    @AfterEach
    void down() {
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    void aGuestGetsNoMoreThanItsHostsQuotaAtItsNiceLevelAndAChangeAppliesAtOnce() throws Exception {
        up(1, 0.8, Map.of("balance.enabled", "false"));
        assertEquals("0.2", hostSet("h1", Map.of("guests.cpu-max", "0.2")).path("guests.cpu-max").asText());
        Process run = pool.ssiRun(new GatedJob(GO).command());
        try {
            String job = awaitJob(run);
            JsonNode moved = pool.ask("ws", Type.MIGRATE, new Payload().string(job).string("h1"));
            assertEquals("h1", moved.path("where").asText(), "ssi migrate moved the job to h1: " + moved);

            Path guests = guestsCgroup("h1");
            List<Integer> pids = processesIn(guests);
            assertTrue(!pids.isEmpty(), "the guest's processes are in h1's guests' cgroup " + guests);
            assertEquals(List.of(19), niceLevels(pids), "every thread of the guest runs at nice 19");
            double capped = cpuSecondsOver(pids);
            assertTrue(capped <= 0.2 * WINDOW_SECONDS + SLACK_SECONDS, "with guests.cpu-max=0.2 the guest used " + capped
                    + " CPU seconds in " + WINDOW_SECONDS + " s");
            assertTrue(throttled(guests) > 0, "the quota held the guest back (it wanted more)");

            JsonNode changed = hostSet("h1", Map.of("guests.cpu-max", "0.5", "guests.nice", "10"));
            assertEquals("0.5", changed.path("guests.cpu-max").asText(), "ssi host set answers the new terms: " + changed);
            assertEquals(List.of(10), niceLevels(processesIn(guests)), "every thread of the running guest is at nice 10 now");
            double freer = cpuSecondsOver(processesIn(guests));
            assertTrue(freer > 0.2 * WINDOW_SECONDS + SLACK_SECONDS, "with guests.cpu-max=0.5 the guest got more than the old "
                    + "quota: " + freer + " CPU seconds in " + WINDOW_SECONDS + " s (before: " + capped + ")");
            assertTrue(freer <= 0.5 * WINDOW_SECONDS + SLACK_SECONDS, "and no more than the new one: " + freer);
            System.out.printf("guest CPU share over %.0f s: guests.cpu-max=0.2 -> %.3f, guests.cpu-max=0.5 -> %.3f%n",
                    WINDOW_SECONDS, capped / WINDOW_SECONDS, freer / WINDOW_SECONDS);

            assertEquals("h1", whereIs(job), "the job stayed on h1");
            JsonNode home = pool.ask("ws", Type.MIGRATE, new Payload().string(job).string("ws"));
            assertEquals("ws", home.path("where").asText(), "the job came home: " + home);
            List<Integer> atHome = jobProcessesOnWorkstation();
            assertTrue(!atHome.isEmpty(), "the job's processes run in the workstation's own cgroup");
            assertEquals(List.of(0), niceLevels(atHome), "at home the job runs at nice 0 again");
            assertEquals(List.of(), processesIn(guestsCgroup("ws")), "and not in the workstation's guests' cgroup");
            finish(run);
        } finally {
            end(run);
        }
    }

    @Test
    void aHostThatTakesNoJobsOfAUserRefusesThemByNameAndTheSchedulerNeverSendsThemThere() throws Exception {
        up(2, 0.4, Map.of("balance.enabled", "true"));
        assertEquals("nobody", hostSet("h2", Map.of("guests.users", "nobody")).path("guests.users").asText());
        awaitGossipedUsers("h2", "nobody");
        List<Process> runs = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                runs.add(pool.ssiRun(new GatedJob(GO).command()));
            }
            List<String> jobs = awaitJobs(runs);
            String job = jobs.get(0);
            String where = whereIs(job);
            IOException refused = assertThrows(IOException.class,
                    () -> pool.ask("ws", Type.MIGRATE, new Payload().string(job).string("h2")));
            assertTrue(refused.getMessage().contains("user root") && refused.getMessage().contains("h2"),
                    "the refusal says h2 takes no jobs of user root: " + refused.getMessage());
            assertNotEquals("h2", whereIs(job), "the refused job runs on (it was on " + where + ")");

            // Three CPU-bound jobs on a workstation of 0.4 CPUs: the scheduler moves some to h1, none to h2.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            boolean movedToH1 = false;
            while (System.nanoTime() < deadline) {
                for (String j : jobs) {
                    String at = whereIs(j);
                    assertNotEquals("h2", at, j + " was sent to h2, which takes no jobs of root; ws's log: "
                            + pool.moveLog("ws"));
                    movedToH1 |= at.equals("h1");
                }
                Thread.sleep(500);
            }
            assertTrue(movedToH1, "the scheduler was moving jobs (to h1): " + pool.moveLog("ws"));
            for (String node : List.of("ws", "h1")) {
                for (String line : pool.moveLog(node)) {
                    assertTrue(!line.contains(" to h2 "), node + " planned a move to h2: " + line);
                }
            }
            Files.createFile(pool.work().resolve(GO));
            for (Process run : runs) {
                checkOutput(run);
            }
        } finally {
            for (Process run : runs) {
                end(run);
            }
        }
    }

    @Test
    void badInputToHostSetIsNamedAndChangesNothing() throws Exception {
        up(1, 0.4, Map.of("balance.enabled", "false"));
        JsonNode before = pool.ask("h1", Type.HOST, new Payload().u32(0));
        Path socket = PoolDaemons.node(pool.pool(), "h1").socket();

        Run unknown = ssi("host", "set", "--socket", socket.toString(), "guests.nice=5", "guests.colour=blue");
        assertNotEquals(0, unknown.status(), "an unknown key fails");
        assertTrue(unknown.err().contains("guests.colour"), "the error names the key: " + unknown.err());

        Run bad = ssi("host", "set", "--socket", socket.toString(), "guests.cpu-max=0.5", "guests.nice=99");
        assertNotEquals(0, bad.status(), "a bad value fails");
        assertTrue(bad.err().contains("guests.nice"), "the error names the key: " + bad.err());

        Run badRule = ssi("host", "set", "--socket", socket.toString(), "guests.nice=5", "reclaim.schedule=Mon-Fri 18:00-08:00");
        assertNotEquals(0, badRule.status(), "a bad reclaim rule fails, with the guest terms beside it");
        assertTrue(badRule.err().contains("reclaim.schedule"), "the error names the key: " + badRule.err());

        Run notAPair = ssi("host", "set", "--socket", socket.toString(), "guests.nice");
        assertNotEquals(0, notAPair.status(), "a setting without a value fails");
        assertTrue(notAPair.err().contains("guests.nice"), notAPair.err());

        assertEquals(before, pool.ask("h1", Type.HOST, new Payload().u32(0)), "the terms are unchanged");
        Run shown = ssi("host", "--socket", socket.toString());
        assertEquals(0, shown.status(), shown.err());
        assertTrue(shown.out().contains("guests.cpu-max") && shown.out().contains("none"), shown.out());
    }

    private JsonNode hostSet(String node, Map<String, String> changes) throws IOException {
        Payload request = new Payload().u32(changes.size());
        new LinkedHashMap<>(changes).forEach((key, value) -> request.string(key).string(value));
        return pool.ask(node, Type.HOST, request);
    }

    /** The guests' cgroup in the cpu hierarchy, as the node's {@code ssi host} names it. */
    private Path guestsCgroup(String node) throws IOException {
        String cgroup = pool.ask(node, Type.HOST, new Payload().u32(0)).path("cgroup").asText();
        assertTrue(cgroup.startsWith("/"), node + " made its guests' cgroup: " + cgroup);
        for (String dir : cgroup.split(",")) {
            if (Files.exists(Path.of(dir, "cpu.max")) || Files.exists(Path.of(dir, "cpu.cfs_quota_us"))) {
                return Path.of(dir);
            }
        }
        throw new AssertionError("no cpu cgroup among " + cgroup);
    }

    /** The job's processes (mawk) in the very cgroups the workstation's ssid runs in, in every hierarchy. */
    private List<Integer> jobProcessesOnWorkstation() throws IOException {
        long ssid = PoolDaemons.running(PoolDaemons.node(pool.pool(), "ws")).orElseThrow().pid();
        String cgroups = Files.readString(Path.of("/proc", Long.toString(ssid), "cgroup"));
        List<Integer> mawks = new ArrayList<>();
        try (Stream<Path> all = Files.list(Path.of("/proc"))) {
            for (Path proc : all.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    if (Files.readString(proc.resolve("comm")).strip().equals("mawk")
                            && Files.readString(proc.resolve("cgroup")).equals(cgroups)) {
                        mawks.add(Integer.valueOf(proc.getFileName().toString()));
                    }
                } catch (NoSuchFileException e) {
                    // Gone meanwhile: not the job.
                }
            }
        }
        return mawks;
    }

    private static List<Integer> processesIn(Path cgroup) throws IOException {
        return Files.readAllLines(cgroup.resolve("cgroup.procs")).stream().filter(line -> !line.isBlank())
                .map(line -> Integer.valueOf(line.strip())).toList();
    }

    /** The distinct nice levels of every thread of these processes. */
    private static List<Integer> niceLevels(List<Integer> pids) throws IOException {
        List<Integer> levels = new ArrayList<>();
        for (int pid : pids) {
            try (Stream<Path> tasks = Files.list(Path.of("/proc", Integer.toString(pid), "task"))) {
                for (Path task : tasks.toList()) {
                    int nice = Integer.parseInt(fields(task.resolve("stat"))[16]);
                    if (!levels.contains(nice)) {
                        levels.add(nice);
                    }
                }
            }
        }
        return levels;
    }

    /** CPU seconds (user and system) these processes use over the window. */
    private static double cpuSecondsOver(List<Integer> pids) throws Exception {
        long before = cpuTicks(pids);
        long start = System.nanoTime();
        Thread.sleep((long) (WINDOW_SECONDS * 1000));
        long after = cpuTicks(pids);
        double wall = (System.nanoTime() - start) / 1e9;
        // Scaled to the window: the sleep may last a little longer than asked.
        return (after - before) / TICKS_PER_SECOND * WINDOW_SECONDS / wall;
    }

    private static long cpuTicks(List<Integer> pids) throws IOException {
        long ticks = 0;
        for (int pid : pids) {
            try {
                String[] f = fields(Path.of("/proc", Integer.toString(pid), "stat"));
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (NoSuchFileException e) {
                throw new AssertionError("guest process " + pid + " ended while it was measured");
            }
        }
        return ticks;
    }

    /** Fields of a stat file after the command's name: [0] is the state, [11] utime, [12] stime, [16] nice. */
    private static String[] fields(Path stat) throws IOException {
        String line = Files.readString(stat);
        return line.substring(line.lastIndexOf(')') + 2).split(" ");
    }

    /** How often the CPU quota stopped the cgroup (v1 cpu.stat nr_throttled; v2 the same name). */
    private static long throttled(Path cgroup) throws IOException {
        return Files.readAllLines(cgroup.resolve("cpu.stat")).stream().filter(line -> line.startsWith("nr_throttled "))
                .mapToLong(line -> Long.parseLong(line.substring("nr_throttled ".length()).strip())).findFirst().orElse(0);
    }

    /** Until the workstation's gossip says {@code node} takes only {@code users}' jobs. */
    private void awaitGossipedUsers(String node, String users) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (JsonNode row : pool.nodes()) {
                if (row.path("node").asText().equals(node) && row.path("users").asText().equals(users)) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("ws never heard that " + node + " takes only " + users + "'s jobs: " + pool.nodes());
    }

    private String awaitJob(Process run) throws Exception {
        return awaitJobs(List.of(run)).get(0);
    }

    private List<String> awaitJobs(List<Process> runs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            JsonNode ps = pool.ps();
            if (ps.size() == runs.size()) {
                List<String> jobs = new ArrayList<>();
                ps.forEach(row -> jobs.add(row.path("job").asText()));
                return jobs;
            }
            assertTrue(System.nanoTime() < deadline && runs.stream().allMatch(Process::isAlive), "the jobs started: " + ps);
            Thread.sleep(200);
        }
    }

    private String whereIs(String job) throws IOException {
        for (JsonNode row : pool.ps()) {
            if (row.path("job").asText().equals(job)) {
                return row.path("where").asText();
            }
        }
        throw new AssertionError(job + " is not in ssi ps any more");
    }

    private void finish(Process run) throws Exception {
        Files.createFile(pool.work().resolve(GO));
        checkOutput(run);
    }

    private static void checkOutput(Process run) throws Exception {
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "ssi-run ended");
        assertEquals(0, run.exitValue(), "the job's exit status, through ssi-run");
        GatedJob.check(out);
    }

    private static void end(Process run) throws InterruptedException {
        run.destroy();
        run.waitFor(30, TimeUnit.SECONDS);
    }
}
