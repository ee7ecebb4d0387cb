package dev.ssi.nativebin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pid-1 shim, run for real: namespaces, signal forwarding, reaping, exit statuses. */
@Timeout(30)
class InitShimTest {
    private static final Path SHIM = Path.of(System.getProperty("ssi.bin", "target/bin"), "ssi-init");
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
        started.forEach(Process::destroyForcibly);
    }

    private Process shim(String script) throws IOException {
        Process p = new ProcessBuilder(SHIM.toString(), "--", "sh", "-c", script)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        return p;
    }

    private static String firstLine(Process p) throws IOException {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 42, 127})
    void exitsWithTheJobsStatus(int code) throws Exception {
        Process p = shim("exit " + code);
        assertEquals(code, p.waitFor());
    }

    @Test
    void runsTheJobAsChildOfPidOneInFreshNamespaces() throws Exception {
        Process p = shim("echo $PPID $(readlink /proc/self/ns/pid) $(readlink /proc/self/ns/uts) $(readlink /proc/self/ns/ipc)");
        String[] seen = firstLine(p).split(" ");
        assertEquals("1", seen[0], "the job's parent is pid 1 of its namespace");
        assertFalse(seen[1].equals(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString()));
        assertFalse(seen[2].equals(Files.readSymbolicLink(Path.of("/proc/self/ns/uts")).toString()));
        assertFalse(seen[3].equals(Files.readSymbolicLink(Path.of("/proc/self/ns/ipc")).toString()));
        assertEquals(0, p.waitFor());
    }

    @Test
    void pidOneLeadsItsSession() throws Exception {
        // /proc here is the host's, so these are host pids: the job's parent is pid 1, whose session the job is in.
        Process p = shim("read -r pid comm state ppid pgrp sid rest < /proc/self/stat; echo $ppid $sid");
        String[] parentAndSession = firstLine(p).split(" ");
        assertEquals(parentAndSession[0], parentAndSession[1], "pid 1 leads the job's session");
        assertEquals(0, p.waitFor());
    }

    /** Python's subprocess tells death by signal (negative return code) from a plain exit. */
    @ParameterizedTest
    @ValueSource(strings = {"TERM", "KILL", "SEGV"})
    void diesOfTheSignalTheJobDiedOf(String signal) throws Exception {
        Process observer = new ProcessBuilder("python3", "-c",
                "import subprocess,sys; print(subprocess.run(sys.argv[1:]).returncode)",
                SHIM.toString(), "sh", "-c", "kill -" + signal + " $$").start();
        started.add(observer);
        assertEquals(Integer.toString(-signalNumber(signal)), firstLine(observer));
    }

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM", "HUP", "QUIT", "USR1", "USR2"})
    void forwardsSignalsToTheJob(String signal) throws Exception {
        Process p = shim("trap 'echo got " + signal + "; exit 9' " + signal + "; echo ready; while :; do sleep 0.05; done");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", out.readLine());
        new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
        assertEquals("got " + signal, out.readLine());
        assertEquals(9, p.waitFor());
    }

    @Test
    void ctrlZStopsTheJobAndFgResumesIt() throws Exception {
        Process p = shim("read -r pid rest < /proc/self/stat; echo $pid; while :; do sleep 0.05; done");
        Path stat = Path.of("/proc", firstLine(p), "stat");
        new ProcessBuilder("kill", "-TSTP", Long.toString(p.pid())).start().waitFor();
        assertTrue(settlesIn(stat, 'T'), "the job is stopped");
        new ProcessBuilder("kill", "-CONT", Long.toString(p.pid())).start().waitFor();
        assertTrue(settlesIn(stat, 'S') || settlesIn(stat, 'R'), "the job runs again");
    }

    private static boolean settlesIn(Path stat, char state) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            String s = Files.readString(stat);
            if (s.charAt(s.lastIndexOf(')') + 2) == state) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    @Test
    void reapsOrphans() throws Exception {
        Process p = shim("(sh -c 'grep ^NSpid /proc/self/status; exec sleep 0.2' &); sleep 1.5; echo done");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long orphanHostPid = Long.parseLong(out.readLine().split("\\s+")[1]);
        Thread.sleep(800);
        assertTrue(p.isAlive(), "the job is still running");
        assertFalse(Files.exists(Path.of("/proc", Long.toString(orphanHostPid))),
                "the orphan was reaped by pid 1, not left a zombie");
        assertEquals("done", out.readLine());
        assertEquals(0, p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1);
    }

    /** The shell opens the status file as descriptor 3 and hands it to the shim. */
    private String statusReported(String job) throws Exception {
        Path status = Files.createTempFile("ssi-status", ".txt");
        try {
            Process p = new ProcessBuilder("sh", "-c", "exec 3>\"$0\"; exec \"$1\" --status-fd 3 -- sh -c \"$2\"",
                    status.toString(), SHIM.toString(), job).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            started.add(p);
            p.waitFor();
            return Files.readString(status);
        } finally {
            Files.delete(status);
        }
    }

    @Test
    void reportsTheExitCodeOnTheStatusDescriptor() throws Exception {
        assertEquals("exit 3\n", statusReported("exit 3"));
    }

    @Test
    void reportsDeathBySignalOnTheStatusDescriptor() throws Exception {
        assertEquals("signal 15\n", statusReported("kill -TERM $$"));
    }

    @Test
    void theJobDoesNotInheritTheStatusDescriptor() throws Exception {
        assertEquals("exit 1\n", statusReported("test -e /proc/self/fd/3 && exit 0; exit 1"));
    }

    @Test
    void statusDescriptorMustBeOpen() throws Exception {
        Process p = new ProcessBuilder(SHIM.toString(), "--status-fd", "77", "true").redirectErrorStream(true).start();
        started.add(p);
        assertTrue(firstLine(p).contains("--status-fd wants an open descriptor above 2, not '77'"));
        assertEquals(2, p.waitFor());
    }

    @Test
    void setsTheUmaskAskedFor() throws Exception {
        Process p = new ProcessBuilder(SHIM.toString(), "--umask", "027", "--", "sh", "-c", "umask").start();
        started.add(p);
        assertEquals("0027", firstLine(p));
        assertEquals(0, p.waitFor());
    }

    @Test
    void badUmaskIsAUsageErrorNamingIt() throws Exception {
        Process p = new ProcessBuilder(SHIM.toString(), "--umask", "9x", "true").redirectErrorStream(true).start();
        started.add(p);
        assertTrue(firstLine(p).contains("--umask wants an octal mask, not '9x'"));
        assertEquals(2, p.waitFor());
    }

    @Test
    void theJobRunsAsTheUserGroupAndGroupsAskedAndPidOneStaysRoot() throws Exception {
        Process p = new ProcessBuilder(SHIM.toString(), "--user", "65534", "65534", "65534,100", "--", "sh", "-c",
                // Host pids: pid 1 is the job's parent; CRIU's parasite needs it root, in "/".
                "read -r pid comm state ppid rest < /proc/self/stat; echo $(id -u) $(id -G) $(stat -c %u /proc/$ppid)")
                .start();
        started.add(p);
        assertEquals("65534 65534 100 0", firstLine(p));
        assertEquals(0, p.waitFor());
    }

    @Test
    void badUserIsAUsageError() throws Exception {
        Process p = new ProcessBuilder(SHIM.toString(), "--user", "65534", "x", "-", "true").redirectErrorStream(true).start();
        started.add(p);
        assertTrue(firstLine(p).contains("--user wants UID GID GROUPS"));
        assertEquals(2, p.waitFor());
    }

    @Test
    void missingCommandIs127() throws Exception {
        Process p = new ProcessBuilder(SHIM.toString(), "no-such-command-ssi").redirectErrorStream(true).start();
        started.add(p);
        assertTrue(firstLine(p).contains("cannot run no-such-command-ssi"));
        assertEquals(127, p.waitFor());
    }

    @Test
    void noCommandIsAUsageError() throws Exception {
        Process p = new ProcessBuilder(SHIM.toString()).redirectErrorStream(true).start();
        started.add(p);
        assertTrue(firstLine(p).startsWith("usage: ssi-init"));
        assertEquals(2, p.waitFor());
    }

    private static int signalNumber(String name) {
        return switch (name) {
            case "KILL" -> 9;
            case "SEGV" -> 11;
            case "TERM" -> 15;
            default -> throw new IllegalArgumentException(name);
        };
    }
}
