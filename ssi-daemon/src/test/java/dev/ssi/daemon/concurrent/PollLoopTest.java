package dev.ssi.daemon.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.checkpoint.os.Pipe;
import dev.ssi.checkpoint.os.Spawn;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PollLoopTest {
    @Test
    void readsManyStatusPipesToTheirEndsOnOneThread() throws Exception {
        List<Pipe> pipes = new ArrayList<>();
        List<CompletableFuture<String>> reports = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Pipe pipe = Pipe.open();
            pipes.add(pipe);
            reports.add(PollLoop.shared().readToEnd(pipe));
        }
        for (int i = pipes.size() - 1; i >= 0; i--) {
            try (OutputStream out = pipes.get(i).outputStream()) {
                out.write(("exit " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
        for (int i = 0; i < pipes.size(); i++) {
            assertEquals("exit " + i + "\n", reports.get(i).get(10, TimeUnit.SECONDS));
        }
        long watchThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("ssi-poll")).count();
        assertEquals(1, watchThreads);
    }

    @Test
    void aPipeClosedWithoutAWordReadsEmpty() throws Exception {
        Pipe pipe = Pipe.open();
        CompletableFuture<String> report = PollLoop.shared().readToEnd(pipe);
        pipe.closeWriteEnd();
        assertEquals("", report.get(10, TimeUnit.SECONDS));
    }

    @Test
    void runsWhatWaitsForAPipeOnceItHasSomething() throws Exception {
        Pipe pipe = Pipe.open();
        CompletableFuture<Void> ran = new CompletableFuture<>();
        PollLoop.shared().onceReadable(pipe.readFd(), Runnable::run, () -> ran.complete(null));
        Thread.sleep(100);
        assertTrue(!ran.isDone(), "nothing to read yet");
        pipe.outputStream().write('x');
        ran.get(10, TimeUnit.SECONDS);
        pipe.close();
    }

    @Test
    void reapsOurChildrenOnceTheyEnd() throws Exception {
        int pid = Spawn.of(List.of("/bin/sh", "-c", "sleep 0.2")).start();
        PollLoop.shared().reap(pid);
        Path proc = Path.of("/proc", Integer.toString(pid));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.exists(proc)) {
            assertTrue(System.nanoTime() < deadline, "child " + pid + " was reaped");
            Thread.sleep(20);
        }
    }
}
