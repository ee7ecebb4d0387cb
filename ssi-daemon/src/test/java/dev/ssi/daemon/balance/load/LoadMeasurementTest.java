package dev.ssi.daemon.balance.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.daemon.job.JobHere;
import dev.ssi.daemon.job.JobId;
import dev.ssi.scheduler.GuestPolicy;
import dev.ssi.scheduler.JobInfo;
import dev.ssi.scheduler.NodeState;
import dev.ssi.transport.NodeId;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Load measurement from the real /proc and cgroup files of processes this test starts. */
@Timeout(60)
class LoadMeasurementTest {
    private static final String BUSY = "awk 'BEGIN { while (1) n++ }'";
    private static final int SELF = (int) ProcessHandle.current().pid();

    @TempDir
    Path temp;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void aStatLineIsReadPastACommandNameWithSpacesAndParentheses() throws Exception {
        Path oddName = temp.resolve("a) (b c");
        Files.createSymbolicLink(oddName, Path.of("/bin/sleep"));
        Process sleeper = start(oddName.toString(), "30");
        ProcStat stat = awaitStat(sleeper.pid(), 'S');
        assertEquals(sleeper.pid(), stat.pid());
        assertEquals(SELF, stat.ppid());
        assertFalse(stat.runnable());
        Files.delete(oddName);
    }

    @Test
    void aTreeIsItsRootAndEveryDescendant() throws Exception {
        Process shell = start("sh", "-c", "sleep 30 & (sleep 30 & wait) & wait");
        List<Long> expected = List.of();
        for (long deadline = deadline(); expected.size() < 5 && System.nanoTime() < deadline; Thread.sleep(20)) {
            expected = java.util.stream.Stream.concat(java.util.stream.Stream.of(shell.toHandle()), shell.descendants())
                    .map(ProcessHandle::pid).toList();
        }
        List<Long> tree = ProcessTable.scan().tree((int) shell.pid()).stream().map(p -> (long) p.pid()).toList();
        assertEquals(shell.pid(), tree.get(0));
        assertEquals(Set.copyOf(expected), Set.copyOf(tree));
        assertTrue(ProcessTable.scan().within(tree.get(tree.size() - 1).intValue(), SELF));
    }

    @Test
    void aJobThrottledByItsQuotaStillWantsTheCpuWhileASleepingOneDoesNot() throws Exception {
        try (TestCgroup cgroup = TestCgroup.create("ssi-load-test", 0.2)) {
            Process busy = start(cgroup.command(BUSY).toArray(String[]::new));
            Process idle = start("sleep", "30");
            JobMeter meter = new JobMeter(1.0, job -> 5.0, job -> job.value().endsWith("/2"));
            List<JobHere> jobs = List.of(hosted("ws/1", "ws", busy), hosted("h1/2", "h1", idle));
            awaitStat(busy.pid(), 'R');
            meter.measure(jobs, ProcessTable.scan(), System.nanoTime(), System.currentTimeMillis());
            Thread.sleep(1500);
            Map<String, JobMeter.Measured> second = byJob(
                    meter.measure(jobs, ProcessTable.scan(), System.nanoTime(), System.currentTimeMillis()));

            JobInfo cpuBound = second.get("ws/1").info();
            assertTrue(cpuBound.cpuFraction() > 0.8, "a throttled busy loop wants the CPU: " + cpuBound);
            assertTrue(second.get("ws/1").runnable());
            assertTrue(cpuBound.workDoneSeconds() > 5.0, "age is the work carried in plus CPU time here");
            assertTrue(cpuBound.memoryBytes() > 0);
            assertEquals("root", cpuBound.user());
            assertFalse(cpuBound.pinned());

            JobInfo sleeping = second.get("h1/2").info();
            assertTrue(sleeping.cpuFraction() < JobMeter.RUNNABLE_FRACTION, "sleep wants no CPU: " + sleeping);
            assertFalse(second.get("h1/2").runnable());
            assertTrue(sleeping.pinned());
        }
    }

    @Test
    void aCgroupScopeHasItsQuotaForCoresAndCountsOnlyTasksNotDescendedFromSsidAsTheOwners() throws Exception {
        try (TestCgroup cgroup = TestCgroup.create("ssi-load-test", 0.3)) {
            Scope scope = new CgroupScope(cgroup.cgroup());
            assertEquals(0.3, scope.cpus(), 1e-9);
            // One busy loop is ours (this JVM stands for ssid); the other is orphaned, as the owner's processes are.
            start(cgroup.command(BUSY).toArray(String[]::new));
            Process parent = start(cgroup.command("sh -c '" + BUSY.replace("'", "'\\''") + " & echo $!'").toArray(String[]::new));
            long orphan = Long.parseLong(new BufferedReader(new InputStreamReader(parent.getInputStream())).readLine().trim());
            assertEquals(0, parent.waitFor());
            awaitStat(orphan, 'R');
            assertEquals(1, scope.ownerRunnable(ProcessTable.scan(), SELF));
            assertEquals(2, scope.ownerRunnable(ProcessTable.scan(), Integer.MAX_VALUE), "with no ssid, both are the owner's");
        }
    }

    @Test
    void theMeterGossipsRunnableJobsAndKeepsIdleGuestsPlacesOffTheCap() throws Exception {
        Process busy = start("sh", "-c", "exec " + BUSY);
        Process idle = start("sleep", "30");
        GuestPolicy policy = GuestPolicy.defaults();
        LoadMeter meter = new LoadMeter(new dev.ssi.scheduler.NodeName("ws"), new MachineScope(), 1.5, () -> policy,
                new JobMeter(1.5, job -> 0, job -> false));
        List<JobHere> jobs = List.of(hosted("ws/1", "ws", busy), hosted("h1/2", "h1", idle));
        awaitStat(busy.pid(), 'R');
        meter.measure(jobs, System.currentTimeMillis());
        Thread.sleep(1000);
        NodeState state = meter.measure(jobs, System.currentTimeMillis());

        assertEquals(1, state.vector().homeJobs());
        assertEquals(0, state.vector().guestJobs());
        assertEquals(policy.maxGuestJobs() - 1, state.vector().offer().maxGuestJobs());
        assertEquals(Runtime.getRuntime().availableProcessors(), state.vector().cpus(), 1e-9);
        assertEquals(1.5, state.vector().cpuSpeed());
        assertTrue(state.vector().totalMemoryBytes() > 0 && state.vector().freeMemoryBytes() <= state.vector().totalMemoryBytes());
        assertEquals(2, state.jobs().size());
    }

    @Test
    void theOwnersLoadIsSmoothedOverSeconds() {
        OwnerLoad load = new OwnerLoad();
        assertEquals(4, load.update(4, 0), 1e-9);
        assertEquals(4 * Math.exp(-1), load.update(0, TimeUnit.SECONDS.toNanos((long) OwnerLoad.TIME_CONSTANT_SECONDS)), 1e-9);
    }

    @Test
    void aV1MembershipLineFindsItsHierarchysDirectory() {
        List<String> mounts = List.of(
                "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
                "31 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct",
                "33 30 0:30 /outer /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory");
        List<String> membership = List.of("4:memory:/outer/inner", "1:cpu,cpuacct:/ssi-p3/h1", "0::/");
        OwnCgroup cpu = OwnCgroup.of("cpu", membership, mounts).orElseThrow();
        assertEquals(Path.of("/sys/fs/cgroup/cpu,cpuacct/ssi-p3/h1"), cpu.dir());
        assertEquals(List.of(Path.of("/sys/fs/cgroup/cpu,cpuacct/ssi-p3/h1"), Path.of("/sys/fs/cgroup/cpu,cpuacct/ssi-p3"),
                Path.of("/sys/fs/cgroup/cpu,cpuacct")), cpu.selfAndAncestors());
        assertEquals(Path.of("/sys/fs/cgroup/memory/inner"), OwnCgroup.of("memory", membership, mounts).orElseThrow().dir());
        assertTrue(OwnCgroup.of("pids", membership, mounts).isEmpty());
    }

    @Test
    void calibrationGivesAPositiveSpeed() {
        double speed = CpuSpeed.calibrate();
        assertTrue(speed > 0 && Double.isFinite(speed), "speed " + speed);
    }

    private Process start(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        started.add(process);
        return process;
    }

    private static JobHere hosted(String job, String home, Process process) {
        return new JobHere(new JobId(job), NodeId.of(home), 0, (int) process.pid());
    }

    private static Map<String, JobMeter.Measured> byJob(List<JobMeter.Measured> measured) {
        Map<String, JobMeter.Measured> byJob = new java.util.HashMap<>();
        measured.forEach(m -> byJob.put(m.info().id().value(), m));
        return byJob;
    }

    private static ProcStat awaitStat(long pid, char state) throws InterruptedException {
        for (long deadline = deadline(); System.nanoTime() < deadline; Thread.sleep(20)) {
            var stat = ProcStat.read(Path.of("/proc", Long.toString(pid), "stat"));
            if (stat.isPresent() && stat.get().state() == state) {
                return stat.get();
            }
        }
        throw new AssertionError("process " + pid + " never reached state " + state);
    }

    private static long deadline() {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    }
}
