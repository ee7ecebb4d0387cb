package dev.ssi.daemon.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.checkpoint.os.ExitStatus;
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
class ExitWatchTest {
    @Test
    void readsManyStatusPipesToTheirEndsOnOneThread() throws Exception {
        List<Pipe> pipes = new ArrayList<>();
        List<CompletableFuture<String>> reports = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Pipe pipe = Pipe.open();
            pipes.add(pipe);
            reports.add(ExitWatch.shared().readToEnd(pipe));
        }
        for (int i = pipes.size() - 1; i >= 0; i--) {
            try (OutputStream out = pipes.get(i).outputStream()) {
                out.write(("exit " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
        for (int i = 0; i < pipes.size(); i++) {
            assertEquals(ExitStatus.exited(i), RunningJob.parseStatus(reports.get(i).get(10, TimeUnit.SECONDS)));
        }
        long watchThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("ssi-exit-watch")).count();
        assertEquals(1, watchThreads);
    }

    @Test
    void aPipeClosedWithoutAWordIsDeathBySigkill() throws Exception {
        Pipe pipe = Pipe.open();
        CompletableFuture<String> report = ExitWatch.shared().readToEnd(pipe);
        pipe.closeWriteEnd();
        assertEquals(ExitStatus.killedBy(9), RunningJob.parseStatus(report.get(10, TimeUnit.SECONDS)));
    }

    @Test
    void reapsOurChildrenOnceTheyEnd() throws Exception {
        int pid = Spawn.of(List.of("/bin/sh", "-c", "sleep 0.2")).start();
        ExitWatch.shared().reap(pid);
        Path proc = Path.of("/proc", Integer.toString(pid));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.exists(proc)) {
            assertTrue(System.nanoTime() < deadline, "child " + pid + " was reaped");
            Thread.sleep(20);
        }
    }
}
