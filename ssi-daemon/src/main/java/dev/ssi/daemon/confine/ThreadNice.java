package dev.ssi.daemon.confine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Sets the nice level of every thread of some processes: on Linux nice is per thread, and a
 * process's threads already exist when ssid gets its pid. Threads made later inherit it.
 */
public final class ThreadNice {
    private ThreadNice() {}

    /** Every thread of each of {@code pids} to {@code nice}; a process that is gone is skipped. */
    public static void processes(List<Integer> pids, int nice) throws IOException {
        List<String> command = new ArrayList<>(List.of("renice", "-n", Integer.toString(nice), "-p"));
        for (int pid : pids) {
            command.addAll(threadsOf(pid));
        }
        if (command.size() == 4) {
            return;
        }
        try {
            Process renice = new ProcessBuilder(command).redirectErrorStream(true).start();
            renice.getOutputStream().close();
            String output = new String(renice.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!renice.waitFor(10, TimeUnit.SECONDS)) {
                renice.destroyForcibly();
                throw new IOException("renice to " + nice + " of processes " + pids + " did not end within 10 s");
            }
            // A thread that ended between listing and renice makes renice fail for it alone.
            if (renice.exitValue() != 0 && !output.contains("No such process")) {
                throw new IOException("cannot set nice " + nice + " on processes " + pids + ": " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while setting the nice level of processes " + pids, e);
        }
    }

    /** The nice level of a thread, field 19 of its stat. */
    public static int of(int tid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Integer.toString(tid), "stat"));
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
    }

    private static List<String> threadsOf(int pid) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Integer.toString(pid), "task"))) {
            return tasks.map(task -> task.getFileName().toString()).toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }
}
