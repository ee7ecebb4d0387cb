package dev.ssi.daemon.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.daemon.LoopbackNodes;
import dev.ssi.daemon.control.ControlServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ssid's threads do not grow with its jobs (docs/concurrency.md): real ssi-runs attached to a
 * real control socket, the jobs running here, the threads of this JVM counted with 1 job and with
 * 10. Two pools may grow with them, each to its fixed bound: the control pool's (a thread per
 * request answered at once: ten ssi-runs started together; attached, they hold none) and the
 * output pool's (a thread per job writing output at the moment).
 */
@Timeout(120)
class ThreadsPerJobTest {
    private static final int MORE_JOBS = 9;
    /** A few pool threads may start late (a second client served at once, a handler thread); no thread per job. */
    private static final int SLACK = 4;

    @TempDir
    Path state;

    @Test
    void tenJobsTakeNoMoreThreadsThanOne() throws Exception {
        List<Process> runs = new ArrayList<>();
        try (LoopbackNodes pool = new LoopbackNodes(state)) {
            Node home = pool.start("ws", 4);
            Path socket = state.resolve("ssid.sock");
            pool.closing(ControlServer.start(socket, home));
            runs.add(sleeper(socket));
            awaitJobs(home, 1);
            long one = threads("");
            long oneFixed = threads("control-client-", "ssi-output-");
            long oneTasks = tasks();
            for (int i = 0; i < MORE_JOBS; i++) {
                runs.add(sleeper(socket));
            }
            awaitJobs(home, 1 + MORE_JOBS);
            long ten = threads("");
            long tenFixed = threads("control-client-", "ssi-output-");
            long tenTasks = tasks();
            System.out.printf("tasks of this process (/proc/self/task, with the JVM's own and a JDK process reaper"
                    + " per ssi-run): 1 job: %d, 10 jobs: %d%n", oneTasks, tenTasks);
            System.out.printf("threads of this JVM with an ssid holding 1 job: %d, 10 jobs: %d; less the control"
                    + " and output pools': %d and %d%n", one, ten, oneFixed, tenFixed);
            assertTrue(tenFixed <= oneFixed + SLACK, "1 job: " + oneFixed + " threads, 10 jobs: " + tenFixed);
        } finally {
            runs.forEach(Process::destroyForcibly);
        }
    }

    private static Process sleeper(Path socket) throws IOException {
        return new ProcessBuilder(LoopbackNodes.BIN.resolve("ssi-run").toString(), "--socket", socket.toString(),
                "sleep", "60").start();
    }

    private static void awaitJobs(Node home, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (home.host().hosted().size() < count || home.home().homeJobs().size() < count) {
            assertTrue(System.nanoTime() < deadline, "jobs started: " + home.host().hosted().size());
            Thread.sleep(20);
        }
        Thread.sleep(500);
    }

    private static long tasks() throws IOException {
        try (var tasks = java.nio.file.Files.list(Path.of("/proc/self/task"))) {
            return tasks.count();
        }
    }

    /** This JVM's threads, less the JDK's "process reaper" of each ssi-run this test started and those named {@code less}. */
    private static long threads(String... less) {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> !name.startsWith("process reaper"))
                .filter(name -> java.util.Arrays.stream(less).noneMatch(l -> !l.isEmpty() && name.startsWith(l)))
                .count();
    }
}
