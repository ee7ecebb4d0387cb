package dev.ssi.daemon.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The resident memory of a process and all its descendants, from /proc: about what their CRIU images take. */
public final class ResidentMemory {
    private static final Path PROC = Path.of("/proc");

    private ResidentMemory() {}

    /** VmRSS of {@code root} and its descendants, in bytes; a process gone meanwhile counts nothing. */
    public static long ofTree(int root) {
        long bytes = of(root);
        for (int child : children(root)) {
            bytes += ofTree(child);
        }
        return bytes;
    }

    private static int[] children(int pid) {
        try (var tasks = Files.list(PROC.resolve(Integer.toString(pid)).resolve("task"))) {
            return tasks.flatMapToInt(task -> {
                try {
                    String line = Files.readString(task.resolve("children")).trim();
                    return line.isEmpty() ? java.util.stream.IntStream.empty()
                            : java.util.Arrays.stream(line.split("\\s+")).mapToInt(Integer::parseInt);
                } catch (IOException e) {
                    return java.util.stream.IntStream.empty();
                }
            }).toArray();
        } catch (IOException e) {
            return new int[0];
        }
    }

    /** VmRSS of /proc/PID/status, in bytes (kernel threads and zombies have none). */
    public static long of(int pid) {
        try {
            for (String line : Files.readAllLines(PROC.resolve(Integer.toString(pid)).resolve("status"))) {
                if (line.startsWith("VmRSS:")) {
                    return 1024 * Long.parseLong(line.substring("VmRSS:".length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException e) {
            // Gone meanwhile.
        }
        return 0;
    }
}
