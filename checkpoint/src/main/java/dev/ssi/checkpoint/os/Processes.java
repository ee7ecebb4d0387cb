package dev.ssi.checkpoint.os;

import com.sun.jna.LastErrorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Waiting for, signalling and inspecting processes by pid. */
public final class Processes {
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;
    public static final int SIGCONT = 18;

    private Processes() {}

    /** Waits for our child {@code pid} to end and reaps it. */
    public static ExitStatus waitFor(int pid) throws OsException {
        int[] status = new int[1];
        while (true) {
            try {
                LibC.INSTANCE.waitpid(pid, status, 0);
                return ExitStatus.fromWaitStatus(status[0]);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != LibC.EINTR) {
                    throw new OsException("waitpid " + pid, e);
                }
            }
        }
    }

    /** Reaps our child {@code pid} if it has ended, without waiting. */
    public static Optional<ExitStatus> poll(int pid) throws OsException {
        int[] status = new int[1];
        try {
            int got = LibC.INSTANCE.waitpid(pid, status, LibC.WNOHANG);
            return got == 0 ? Optional.empty() : Optional.of(ExitStatus.fromWaitStatus(status[0]));
        } catch (LastErrorException e) {
            throw new OsException("waitpid " + pid, e);
        }
    }

    /** Sends {@code signal}; false when the process no longer exists. */
    public static boolean signal(int pid, int signal) throws OsException {
        try {
            LibC.INSTANCE.kill(pid, signal);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.ESRCH) {
                return false;
            }
            throw new OsException("kill " + pid, e);
        }
    }

    /** Kills our child {@code pid} and reaps it; for clean-up paths, so it never throws. */
    public static void killAndReap(int pid) {
        try {
            signal(pid, SIGKILL);
            waitFor(pid);
        } catch (OsException ignored) {
            // Already reaped, or not our child: nothing is left to clean up.
        }
    }

    /** Whether {@code pid} is gone or a zombie waiting to be reaped. */
    public static boolean hasEnded(int pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Integer.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
        } catch (java.io.IOException e) {
            return true;
        }
    }

    /**
     * When {@code pid} started, in clock ticks after boot (field 22 of /proc/PID/stat): with the
     * pid it names one process for good, as a pid alone may be reused. Empty when it is gone.
     */
    public static java.util.OptionalLong startTime(int pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Integer.toString(pid), "stat"));
            String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return java.util.OptionalLong.of(Long.parseLong(afterName[19]));
        } catch (java.io.IOException | RuntimeException e) {
            return java.util.OptionalLong.empty();
        }
    }

    /** Whether the process that started at {@code startTime} with this pid is still there (not a zombie). */
    public static boolean isSame(int pid, long startTime) {
        return startTime(pid).orElse(-1) == startTime && !hasEnded(pid);
    }

    /** {@code root} and all its descendants, root first. */
    public static List<ProcessHandle> tree(long root) {
        List<ProcessHandle> tree = new ArrayList<>();
        ProcessHandle.of(root).ifPresent(h -> {
            tree.add(h);
            h.descendants().forEach(tree::add);
        });
        return tree;
    }

    /** Resumes every process of a tree that was left stopped (e.g. by CRIU's leave_stopped). */
    public static void resumeTree(long root) throws OsException {
        for (ProcessHandle h : tree(root)) {
            signal((int) h.pid(), SIGCONT);
        }
    }

    /** The single child of {@code parent}, once it has appeared. */
    public static Optional<ProcessHandle> onlyChild(long parent) {
        return ProcessHandle.of(parent).flatMap(h -> h.children().findFirst());
    }
}
