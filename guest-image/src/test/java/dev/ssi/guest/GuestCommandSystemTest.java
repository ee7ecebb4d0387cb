package dev.ssi.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.cli.SsiCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** A whole round of {@code ssi guest} with real QEMU: start on host a, wait on b, migrate a to b, status, stop. */
@Timeout(300)
class GuestCommandSystemTest extends HypervisorHostsTest {
    private record Result(int exit, String out, String err) {}

    private Result ssi(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new SsiCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    private Result start(String host, String namespace, String... more) {
        List<String> args = new ArrayList<>(List.of("guest", "start", "g1",
                "--kernel", TEST_GUEST.resolve("vmlinuz").toString(), "--initrd", TEST_GUEST.resolve("initrd.img").toString(),
                "--append", "console=ttyS0 loglevel=1", "--memory", "128", "--nice", "0", "--cpu-weight", "100",
                "--guest-dir", dir.resolve(host).toString(), "--netns", namespace,
                "--cgroup-parent", hosts.cgroupParent + "/" + host));
        args.addAll(List.of(more));
        return ssi(args.toArray(String[]::new));
    }

    @Test
    void startMigrateStatusStop() throws Exception {
        Result started = start("a", hosts.namespaceA);
        assertEquals(0, started.exit, started.err);
        assertTrue(started.out.startsWith("guest g1 runs (QEMU pid "), started.out);
        Path sourceLog = dir.resolve("a/g1/serial.log");
        SerialCounter.awaitCount(sourceLog, 10, Duration.ofSeconds(90));

        Result waiting = start("b", hosts.namespaceB, "--incoming", HypervisorHosts.ADDRESS_B + ":4444");
        assertEquals(0, waiting.exit, waiting.err);
        assertTrue(waiting.out.startsWith("guest g1 waits for its migration on 10.98.0.2:4444"), waiting.out);
        Result waitingStatus = ssi("guest", "status", "--guest-dir", dir.resolve("b").toString());
        assertTrue(waitingStatus.out.lines().anyMatch(line -> line.matches("g1 +inmigrate .*")), waitingStatus.out);

        Result moved = ssi("guest", "migrate", "g1", "--to", HypervisorHosts.ADDRESS_B + ":4444",
                "--guest-dir", dir.resolve("a").toString());
        assertEquals(0, moved.exit, moved.err);
        assertTrue(moved.out.lines().anyMatch(line -> line.matches("g1 +10\\.98\\.0\\.2:4444 +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+")),
                moved.out);

        Result sourceStatus = ssi("guest", "status", "--guest-dir", dir.resolve("a").toString());
        assertEquals(1, sourceStatus.out.strip().lines().count(), "no guest left on a: " + sourceStatus.out);
        Result destinationStatus = ssi("guest", "status", "--guest-dir", dir.resolve("b").toString());
        assertTrue(destinationStatus.out.lines().anyMatch(line -> line.matches("g1 +running +[0-9]+ +128 +0 +100 +- +"
                + hosts.cgroupParent + "/b/g1")), destinationStatus.out);
        long last = SerialCounter.numbers(sourceLog).get(SerialCounter.numbers(sourceLog).size() - 1);
        Path destinationLog = dir.resolve("b/g1/serial.log");
        SerialCounter.awaitCount(destinationLog, last + 5, Duration.ofSeconds(60));
        SerialCounter.assertConsecutive(SerialCounter.numbers(sourceLog, destinationLog));

        Result stopped = ssi("guest", "stop", "g1", "--guest-dir", dir.resolve("b").toString());
        assertEquals(0, stopped.exit, stopped.err);
        assertEquals("guest g1 stopped", stopped.out.strip());
        assertEquals(1, ssi("guest", "status", "--guest-dir", dir.resolve("b").toString()).out.strip().lines().count());
    }
}
