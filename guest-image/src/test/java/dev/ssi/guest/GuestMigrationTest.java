package dev.ssi.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The test guest (a Debian kernel and a busybox counter) under real QEMU (TCG) on two hypervisor
 * hosts, network namespaces joined by a veth: it boots and counts, it moves live across the link
 * and keeps counting with no gap and no repeat, and failures leave it running where it was.
 */
@Timeout(300)
class GuestMigrationTest extends HypervisorHostsTest {
    private static final Duration BOOT = Duration.ofSeconds(90);
    /** Ordinary priority: the guest must boot in reasonable time on a busy build machine. */
    private static final GuestCpu PLAIN = new GuestCpu(0, 100, 0);

    private static GuestSpec testGuest(String name) {
        return new GuestSpec(name, TEST_GUEST.resolve("vmlinuz"), TEST_GUEST.resolve("initrd.img"),
                "console=ttyS0 loglevel=1", List.of(), 128, 1, GuestNic.NONE, Accelerator.TCG);
    }

    @Test
    void bootsCountsAndStops() throws Exception {
        GuestDomain guest = hosts.a.start(testGuest("g1"), PLAIN);
        long pid = guest.pid();
        assertEquals("running", guest.state());
        SerialCounter.awaitCount(guest.serialLog(), 5, BOOT);
        assertEquals(List.of("g1"), hosts.a.guests());

        guest.stop();

        assertTrue(ProcessHandle.of(pid).isEmpty(), "QEMU " + pid + " is gone");
        assertEquals(List.of(), hosts.a.guests());
        assertFalse(Files.exists(CpuCgroupRoot.cpu().resolve(guest.cgroup())), "its cgroup is gone");
    }

    @Test
    void liveMigrationKeepsTheCounterGoingWithNoGapAndNoRepeat() throws Exception {
        GuestDomain source = hosts.a.start(testGuest("g1"), PLAIN);
        long sourcePid = source.pid();
        SerialCounter.awaitCount(source.serialLog(), 10, BOOT);
        InetSocketAddress destinationAddress = new InetSocketAddress(HypervisorHosts.ADDRESS_B, 4444);
        GuestDomain destination = hosts.b.receive(testGuest("g1"), PLAIN, destinationAddress);
        assertEquals("inmigrate", destination.state());

        MigrationReport report = source.migrate(destinationAddress, Duration.ofSeconds(60));
        System.out.println("g1 a -> b: " + report);

        assertTrue(ProcessHandle.of(sourcePid).isEmpty(), "the source's QEMU " + sourcePid + " has quit");
        assertEquals(List.of(), hosts.a.guests());
        assertEquals("running", destination.state());
        List<Long> before = SerialCounter.numbers(source.serialLog());
        long last = before.get(before.size() - 1);
        SerialCounter.awaitCount(destination.serialLog(), last + 10, Duration.ofSeconds(60));
        List<Long> all = SerialCounter.numbers(source.serialLog(), destination.serialLog());
        SerialCounter.assertConsecutive(all);
        assertTrue(all.size() > before.size() + 9, "it counted on at the destination: " + all.size() + " numbers");
        assertTrue(report.ramBytes() >= 128L << 20, "the guest's RAM, and its ROMs: " + report);
        assertTrue(report.transferredBytes() > 0 && report.total().compareTo(report.downtime()) >= 0, report.toString());

        destination.stop();
    }

    @Test
    void migrationToWhereNothingListensFailsAndTheGuestRunsOnAtTheSource() throws Exception {
        GuestDomain guest = hosts.a.start(testGuest("g1"), PLAIN);
        SerialCounter.awaitCount(guest.serialLog(), 5, BOOT);

        GuestException failure = assertThrows(GuestException.class,
                () -> guest.migrate(new InetSocketAddress(HypervisorHosts.ADDRESS_B, 4445), Duration.ofSeconds(30)));

        assertTrue(failure.getMessage().contains("to 10.98.0.2:4445 failed")
                && failure.getMessage().contains("Connection refused"), failure.getMessage());
        assertEquals("running", guest.state());
        List<Long> seen = SerialCounter.numbers(guest.serialLog());
        List<Long> later = SerialCounter.awaitCount(guest.serialLog(), seen.get(seen.size() - 1) + 5, Duration.ofSeconds(30));
        SerialCounter.assertConsecutive(later);
        guest.stop();
    }

    @Test
    void qemuMissingIsNamedAndNothingIsLeft() {
        GuestException failure = assertThrows(GuestException.class,
                () -> hosts.a.withQemu("/nonexistent/qemu-system-x86_64").start(testGuest("g1"), PLAIN));

        assertTrue(failure.getMessage().startsWith("QEMU not found: /nonexistent/qemu-system-x86_64"), failure.getMessage());
        assertEquals(List.of(), hosts.a.guests());
    }

    @Test
    void qemuRefusingToStartSaysWhyInItsOwnWordsAndNothingIsLeft() throws IOException {
        Path notAKernel = Files.writeString(dir.resolve("not-a-kernel"), "hello");
        GuestSpec spec = new GuestSpec("g1", notAKernel, null, "", List.of(), 64, 1, GuestNic.NONE, Accelerator.TCG);

        GuestException failure = assertThrows(GuestException.class, () -> hosts.a.start(spec, PLAIN));

        assertTrue(failure.getMessage().startsWith("QEMU exited at start"), failure.getMessage());
        assertTrue(failure.getMessage().contains("kernel"), "QEMU's own reason: " + failure.getMessage());
        assertEquals(List.of(), hosts.a.guests());
        assertFalse(Files.exists(CpuCgroupRoot.cpu().resolve(hosts.cgroupParent + "/a/g1")));
    }

    @Test
    void cpuShareAndNiceApplyAtStartAndChangeLive() throws Exception {
        GuestDomain guest = hosts.a.start(testGuest("g1"), new GuestCpu(5, 50, 0.5));
        Path cgroup = CpuCgroupRoot.cpu().resolve(guest.cgroup());

        assertNiceOfEveryThread(guest.pid(), 5);
        assertTrue(Files.readString(Path.of("/proc", Long.toString(guest.pid()), "cgroup")).contains(guest.cgroup()));
        if (CpuCgroupRoot.unified()) {
            assertEquals("50", Files.readString(cgroup.resolve("cpu.weight")).strip());
            assertEquals("50000 100000", Files.readString(cgroup.resolve("cpu.max")).strip());
        } else {
            assertEquals("512", Files.readString(cgroup.resolve("cpu.shares")).strip());
            assertEquals("50000", Files.readString(cgroup.resolve("cpu.cfs_quota_us")).strip());
        }

        guest.setCpu(new GuestCpu(19, 10, 0));

        assertNiceOfEveryThread(guest.pid(), 19);
        if (CpuCgroupRoot.unified()) {
            assertEquals("max 100000", Files.readString(cgroup.resolve("cpu.max")).strip());
        } else {
            assertEquals("102", Files.readString(cgroup.resolve("cpu.shares")).strip());
            assertEquals("-1", Files.readString(cgroup.resolve("cpu.cfs_quota_us")).strip());
        }
        guest.close();
        try (GuestDomain again = hosts.a.open("g1")) {
            assertEquals(new GuestCpu(19, 10, 0), again.cpu(), "the new terms are recorded");
            again.stop();
        }
    }

    @Test
    void aSecondGuestOfTheSameNameIsRefused() throws Exception {
        GuestDomain guest = hosts.a.start(testGuest("g1"), PLAIN);

        GuestException failure = assertThrows(GuestException.class, () -> hosts.a.start(testGuest("g1"), PLAIN));

        assertTrue(failure.getMessage().contains("guest 'g1' already runs here (QEMU pid " + guest.pid() + ")"),
                failure.getMessage());
        assertEquals("running", guest.state());
        guest.stop();
    }

    @Test
    void aGuestWhoseQemuDiedIsSaidToHaveEndedAndItsLeftoversGo() throws Exception {
        GuestDomain guest = hosts.a.start(testGuest("g1"), PLAIN);
        guest.close();
        ProcessHandle qemu = ProcessHandle.of(guest.pid()).orElseThrow();
        qemu.destroyForcibly();
        qemu.onExit().join();

        GuestGoneException gone = assertThrows(GuestGoneException.class, () -> hosts.a.open("g1"));
        assertTrue(gone.getMessage().contains("its QEMU has ended"), gone.getMessage());
        hosts.a.forgetEnded("g1");

        assertEquals(List.of(), hosts.a.guests());
        assertFalse(Files.exists(CpuCgroupRoot.cpu().resolve(guest.cgroup())), "its cgroup is gone");
    }

    private static void assertNiceOfEveryThread(long pid, int nice) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String stat = Files.readString(task.resolve("stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                assertEquals(Integer.toString(nice), fields[16], "nice of thread " + task.getFileName());
            }
        }
    }
}
