package dev.ssi.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.checkpoint.os.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real jobs, really frozen and brought back: their output goes on as if nothing happened. */
@Timeout(120)
class CheckpointRestoreTest {
    static final String COUNTER = "i=0; while [ $i -lt %d ]; do i=$((i+1)); echo $i; sleep 0.003; done";
    private static Criu criu;

    @TempDir
    Path tmp;

    @BeforeAll
    static void locateCriu() throws CriuException {
        criu = Criu.locate();
    }

    static String numbers(int upTo) {
        return IntStream.rangeClosed(1, upTo).mapToObj(i -> i + "\n").collect(Collectors.joining());
    }

    @Test
    void numberedLinesContinueExactlyOnceAfterRestoreOnNewPipes() throws Exception {
        try (ShimJob job = ShimJob.start("sh", "-c", COUNTER.formatted(400))) {
            job.awaitLines(60);
            criu.dump(DumpSpec.of(job.root(), tmp.resolve("img"), tmp.resolve("work")));
            assertEquals(ExitStatus.killedBy(Processes.SIGKILL), job.reapLauncher(), "the original is gone");

            RestoredTree tree = job.restoreFrom(criu, RestoreSpec.of(tmp.resolve("img"), tmp.resolve("work")));
            assertEquals(ExitStatus.exited(0), tree.waitFor());
            assertEquals(numbers(400), job.awaitOutput());
        }
    }

    @Test
    void treeOfProcessesAndThreadsAppendingToAFileComesBackWhole() throws Exception {
        Path log = tmp.resolve("appended.log");
        String writers = """
                import os, sys, threading, time
                log = sys.argv[1]
                def write(tag):
                    with open(log, "a", buffering=1) as f:
                        for i in range(1, 151):
                            f.write(f"{tag} {i}\\n")
                            time.sleep(0.01)
                children = []
                for p in range(2):
                    pid = os.fork()
                    if pid == 0:
                        ts = [threading.Thread(target=write, args=(f"p{p}t{t}",)) for t in range(2)]
                        [t.start() for t in ts]; [t.join() for t in ts]
                        os._exit(0)
                    children.append(pid)
                ts = [threading.Thread(target=write, args=(f"main-t{t}",)) for t in range(2)]
                [t.start() for t in ts]; [t.join() for t in ts]
                print("exits", sum(os.waitpid(c, 0)[1] for c in children), flush=True)
                """;
        try (ShimJob job = ShimJob.start("python3", "-c", writers, log.toString())) {
            while (!Files.exists(log) || Files.readAllLines(log).size() < 60) {
                Thread.sleep(10);
            }
            List<Integer> threadsBefore = threadCounts(job.root());
            criu.dump(DumpSpec.of(job.root(), tmp.resolve("img"), tmp.resolve("work")));
            job.reapLauncher();

            RestoredTree tree = job.restoreFrom(criu, RestoreSpec.of(tmp.resolve("img"), tmp.resolve("work")).leaveStopped());
            assertEquals(threadsBefore, threadCounts(tree.pid()), "same processes, same threads each");
            tree.resume();
            assertEquals(ExitStatus.exited(0), tree.waitFor());
            assertEquals("exits 0\n", job.awaitOutput());
        }
        Map<String, List<Integer>> byWriter = new HashMap<>();
        for (String line : Files.readAllLines(log)) {
            String[] tagAndNumber = line.split(" ");
            byWriter.computeIfAbsent(tagAndNumber[0], k -> new java.util.ArrayList<>()).add(Integer.parseInt(tagAndNumber[1]));
        }
        assertEquals(6, byWriter.size(), byWriter.keySet().toString());
        List<Integer> all = IntStream.rangeClosed(1, 150).boxed().toList();
        byWriter.forEach((writer, numbers) -> assertEquals(all, numbers, writer + " has no hole and no repeat"));
    }

    @Test
    void realGzipCheckpointedMidRunGivesByteIdenticalOutput() throws Exception {
        Path input = tmp.resolve("input.txt");
        try (var w = Files.newBufferedWriter(input)) {
            java.util.Random random = new java.util.Random(7);
            for (int i = 0; i < 600_000; i++) {
                w.write("line " + i + " value " + random.nextInt(1000) + " of the counting job\n");
            }
        }
        Path expected = tmp.resolve("expected.gz");
        Process direct = new ProcessBuilder("gzip", "-9", "-n", "-c").redirectInput(input.toFile())
                .redirectOutput(expected.toFile()).start();
        assertEquals(0, direct.waitFor());

        Path actual = tmp.resolve("actual.gz");
        try (ShimJob job = ShimJob.start("sh", "-c", "gzip -9 -n -c < " + input + " > " + actual)) {
            while (!Files.exists(actual) || Files.size(actual) < 64 * 1024) {
                Thread.sleep(5);
            }
            criu.dump(DumpSpec.of(job.root(), tmp.resolve("img"), tmp.resolve("work")));
            job.reapLauncher();
            assertTrue(Files.size(actual) < Files.size(expected), "gzip was stopped mid-run");
            RestoredTree tree = job.restoreFrom(criu, RestoreSpec.of(tmp.resolve("img"), tmp.resolve("work")));
            assertEquals(ExitStatus.exited(0), tree.waitFor());
        }
        assertEquals(-1L, Files.mismatch(expected, actual), "byte-identical to an uninterrupted run");
    }

    @Test
    void jobLeftStoppedAfterDumpCanBeResumedWhereItWas() throws Exception {
        try (ShimJob job = ShimJob.start("sh", "-c", COUNTER.formatted(300))) {
            job.awaitLines(30);
            criu.dump(DumpSpec.of(job.root(), tmp.resolve("img"), tmp.resolve("work")).leaveStopped());
            assertEquals('T', stateOnceSettled(job.root()), "left stopped");
            int seen = job.linesSoFar();
            Thread.sleep(100);
            assertEquals(seen, job.linesSoFar(), "a stopped job writes nothing");
            Processes.resumeTree(job.root());
            assertEquals(ExitStatus.exited(0), job.reapLauncher());
            assertEquals(numbers(300), job.awaitOutput());
        }
    }

    @Test
    void failingHookWhileFrozenResumesTheJob() throws Exception {
        try (ShimJob job = ShimJob.start("sh", "-c", COUNTER.formatted(300))) {
            job.awaitLines(30);
            CriuException e = org.junit.jupiter.api.Assertions.assertThrows(CriuException.class,
                    () -> criu.dump(DumpSpec.of(job.root(), tmp.resolve("img"), tmp.resolve("work")),
                            () -> { throw new IllegalStateException("peer refused the images"); }));
            assertTrue(e.getMessage().contains("peer refused the images"), e.getMessage());
            assertEquals(ExitStatus.exited(0), job.reapLauncher(), "the job ran on to its end");
            assertEquals(numbers(300), job.awaitOutput());
        }
    }

    @Test
    void preDumpIsUsedWhereDirtyTrackingExistsAndRefusedClearlyWhereNot() throws Exception {
        try (ShimJob job = ShimJob.start("sh", "-c", COUNTER.formatted(300))) {
            job.awaitLines(10);
            DumpSpec first = DumpSpec.of(job.root(), tmp.resolve("1"), tmp.resolve("work-1"));
            if (criu.features().memoryTracking()) {
                criu.preDump(first);
                criu.dump(DumpSpec.of(job.root(), tmp.resolve("2"), tmp.resolve("work-2")).withParent(tmp.resolve("1")));
                job.reapLauncher();
                RestoredTree tree = job.restoreFrom(criu, RestoreSpec.of(tmp.resolve("2"), tmp.resolve("work-2")));
                assertEquals(ExitStatus.exited(0), tree.waitFor());
            } else {
                CriuException e = org.junit.jupiter.api.Assertions.assertThrows(CriuException.class,
                        () -> criu.preDump(first));
                assertTrue(e.getMessage().contains("dirty tracking"), e.getMessage());
                assertEquals(ExitStatus.exited(0), job.reapLauncher(), "the refused job ran on");
            }
            assertEquals(numbers(300), job.awaitOutput());
        }
    }

    /** CRIU leaves the tree with SIGSTOP pending; the task reads 'R' until it is delivered. */
    private static char stateOnceSettled(int pid) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
        char state = state(pid);
        while (state != 'T' && System.nanoTime() < deadline) {
            Thread.sleep(5);
            state = state(pid);
        }
        return state;
    }

    private static char state(int pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    private static List<Integer> threadCounts(int root) throws Exception {
        List<Integer> counts = new java.util.ArrayList<>();
        for (ProcessHandle h : Processes.tree(root)) {
            try (var tasks = Files.list(Path.of("/proc", Long.toString(h.pid()), "task"))) {
                counts.add((int) tasks.count());
            }
        }
        counts.sort(null);
        return counts;
    }
}
