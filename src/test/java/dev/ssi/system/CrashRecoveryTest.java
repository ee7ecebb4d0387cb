package dev.ssi.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.daemon.control.ControlFrame.Payload;
import dev.ssi.daemon.control.ControlFrame.Type;
import dev.ssi.pool.PoolDaemons;
import dev.ssi.pool.PoolNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kill -9 of an ssid at every step of a migration, source and destination alike, then a
 * restart: the job runs exactly once and its output is complete. The same for a freeze (the
 * job sent home to be kept on disk): afterwards it runs on where it was, or it is frozen. The job counts (on its stdout
 * and into a file every copy of it would append to) until the test lets it finish, so a lost
 * line, a repeated one, or a second copy running shows.
 */
/** Separate thread: a test blocked reading a lost job's output must still time out, and the pool still go down. */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CrashRecoveryTest {
    private static final String MARKER = "ssi-crash-test";
    /** Counts until a file named STOP appears in its directory, then 30 more; every number also goes to numbers.log. */
    private static final String JOB = "i=0; n=-1; while [ $n -ne 0 ]; do i=$((i+1)); echo $i; echo $i >> numbers.log; "
            + "if [ $n -gt 0 ]; then n=$((n-1)); elif [ -e STOP ]; then n=30; fi; sleep 0.01; done; : " + MARKER;

    @RegisterExtension
    final SystemPoolExtension system = new SystemPoolExtension(2);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h1:source.offering", "h1:source.accepted", "h1:source.frozen", "h1:source.streamed",
            "h1:source.restored", "h1:source.committing", "h1:source.killed",
            "h2:target.accepted", "h2:target.received", "h2:target.restored", "h2:target.resumed", "h2:target.committed"})
    void aCrashAtAnyStepOfAMigrationLeavesTheJobRunningExactlyOnce(String nodeAndPoint) throws Exception {
        Crashed crashed = crashDuring(nodeAndPoint, job -> system.pool().migrate(job, "h2"));
        crashed.run().read(20);

        crashed.run().stopAndCheckEveryLineCameOnceFromOneCopy();
        assertNoCopyLeft();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h1:source.streamed", "h1:source.committing", "ws:target.received", "ws:target.committed"})
    void aCrashAtAnyStepOfAFreezeLeavesTheJobRunningOrFrozenExactlyOnce(String nodeAndPoint) throws Exception {
        Crashed crashed = crashDuring(nodeAndPoint, job -> system.pool().ask(Type.FREEZE, new Payload().string(job)));
        WatchedJob run = crashed.run();
        String job = crashed.job();
        // Either the freeze was called off and the job runs on h1, or it is frozen at home: then thawed.
        // It runs (somewhere: that only one copy ran is checked at the end) once its numbers.log grows.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        long written = Files.size(system.work().resolve("numbers.log"));
        while (true) {
            assertTrue(System.nanoTime() < deadline, "the job neither runs nor is frozen: " + psQuietly());
            if (psQuietly().contains("\"frozen\"")) {
                system.pool().ask(Type.THAW, new Payload().string(job));
            }
            Thread.sleep(500);
            long now = Files.size(system.work().resolve("numbers.log"));
            if (now > written) {
                break;
            }
            written = now;
        }
        run.read(20);

        run.stopAndCheckEveryLineCameOnceFromOneCopy();
        assertNoCopyLeft();
    }

    /** A request to the workstation's ssid about the job. */
    @FunctionalInterface
    private interface Request {
        void send(String job) throws IOException;
    }

    private record Crashed(WatchedJob run, String job) {}

    /**
     * The watched job moved to h1; the ssid of the node {@code nodeAndPoint} names restarted to
     * kill itself at the crash point it names; {@code request} made (the crash may cut it off);
     * that ssid dead by its crash point, and restarted.
     */
    private Crashed crashDuring(String nodeAndPoint, Request request) throws Exception {
        String crashing = nodeAndPoint.split(":")[0];
        String point = nodeAndPoint.split(":")[1];
        WatchedJob run = new WatchedJob();
        run.read(20);
        String job = system.pool().awaitJob();
        system.pool().migrate(job, "h1");
        run.read(20);

        PoolNode node = PoolDaemons.node(system.pool().local(), crashing);
        PoolDaemons.kill(node);
        PoolDaemons.restart(system.pool().local(), crashing, Map.of("SSI_CRASH_AT", point));
        run.read(20);
        try {
            request.send(job);
        } catch (IOException refusedOrCutOff) {
            // The node it went through died; the job must not care.
        }
        awaitDeath(node, point);
        PoolDaemons.restart(system.pool().local(), crashing, Map.of());
        return new Crashed(run, job);
    }

    private String psQuietly() {
        try {
            return system.pool().ps().toString();
        } catch (IOException e) {
            return "(ws does not answer: " + e.getMessage() + ")";
        }
    }

    @Test
    void aHostsSsidKilledAndRestartedTakesItsJobOverAgain() throws Exception {
        WatchedJob run = new WatchedJob();
        run.read(20);
        String job = system.pool().awaitJob();
        system.pool().migrate(job, "h1");
        run.read(20);

        PoolNode h1 = PoolDaemons.node(system.pool().local(), "h1");
        PoolDaemons.kill(h1);
        Thread.sleep(300); // The job writes on while nobody reads its pipe; the keeper holds it open.
        PoolDaemons.restart(system.pool().local(), "h1", Map.of());
        run.read(20);
        system.pool().migrate(job, "h2");
        run.read(20);

        run.stopAndCheckEveryLineCameOnceFromOneCopy();
    }

    @ParameterizedTest(name = "the job on {0}")
    @ValueSource(strings = {"ws", "h1"})
    void aHomeSsidKilledAndRestartedGivesItsSsiRunTheRestOfTheJob(String where) throws Exception {
        WatchedJob run = new WatchedJob();
        run.read(20);
        String job = system.pool().awaitJob();
        if (!where.equals("ws")) {
            system.pool().migrate(job, where);
        }
        run.read(20);

        PoolNode ws = PoolDaemons.node(system.pool().local(), "ws");
        PoolDaemons.kill(ws);
        Thread.sleep(300); // ssi-run waits for its home to come back; the job runs on.
        PoolDaemons.restart(system.pool().local(), "ws", Map.of());
        run.read(20);
        assertEquals(where, system.pool().whereRuns(job));

        run.stopAndCheckEveryLineCameOnceFromOneCopy();
    }

    /** The crash point must have been reached: the ssid is gone, by its own SIGKILL. */
    private static void awaitDeath(PoolNode node, String point) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (PoolDaemons.running(node).isPresent()) {
            assertTrue(System.nanoTime() < deadline, "the ssid of " + node.name() + " never reached " + point);
            Thread.sleep(50);
        }
    }

    /** Once the job has ended, nothing of it (no stopped copy, no second run) is left on any node. */
    private static void assertNoCopyLeft() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            List<ProcessHandle> left = ProcessHandle.allProcesses().filter(p -> p.info().arguments()
                    .map(args -> String.join(" ", args).contains(MARKER)).orElse(false)).toList();
            if (left.isEmpty()) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "a copy of the job is left: " + left.stream()
                    .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).collect(Collectors.joining("; ")));
            Thread.sleep(100);
        }
    }

    /** The numbered-lines job, started with the real ssi-run on the workstation, its output read as it comes. */
    private final class WatchedJob {
        private final Process run;
        private final BufferedReader out;
        private final StringBuilder seen = new StringBuilder();

        WatchedJob() throws IOException {
            run = system.pool().ssiRun(system.work(), List.of("sh", "-c", JOB));
            out = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8));
        }

        void read(int lines) throws IOException {
            for (int i = 0; i < lines; i++) {
                String line = out.readLine();
                assertTrue(line != null, "the job's output ended early, after: " + seen);
                seen.append(line).append('\n');
            }
        }

        /** Tells the job to stop, reads the rest of its output, and checks what came home and what ran. */
        void stopAndCheckEveryLineCameOnceFromOneCopy() throws Exception {
            Files.createFile(system.work().resolve("STOP"));
            for (String line; (line = out.readLine()) != null; ) {
                seen.append(line).append('\n');
            }
            assertEquals(0, run.waitFor(), "the job's exit status came home to ssi-run");
            int last = seen.toString().split("\n").length;
            assertEquals(numbers(last), seen.toString(), "every line once, in order");
            assertEquals(numbers(last), Files.readString(system.work().resolve("numbers.log")),
                    "one copy of the job ran: no number written twice");
        }
    }

    private static String numbers(int upTo) {
        return IntStream.rangeClosed(1, upTo).mapToObj(i -> i + "\n").collect(Collectors.joining());
    }
}
