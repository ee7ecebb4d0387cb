package dev.ssi.daemon.guest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Sets the nice level of every thread of a process: on Linux nice is per thread, and QEMU's vCPU
 * threads already exist when the driver gets its pid. Threads made later inherit it.
 */
final class Renice {
    private Renice() {}

    static void process(long pid, int nice) {
        List<String> command = new ArrayList<>(List.of("renice", "-n", Integer.toString(nice), "-p"));
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            tasks.map(task -> task.getFileName().toString()).forEach(command::add);
        } catch (IOException e) {
            throw new GuestException("cannot list the threads of process " + pid + ": " + e.getMessage(), e);
        }
        try {
            Process renice = new ProcessBuilder(command).redirectErrorStream(true).start();
            renice.getOutputStream().close();
            String output = new String(renice.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!renice.waitFor(10, TimeUnit.SECONDS) || renice.exitValue() != 0) {
                renice.destroyForcibly();
                throw new GuestException("cannot set nice " + nice + " on process " + pid + ": " + output.strip());
            }
        } catch (IOException e) {
            throw new GuestException("cannot run renice: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestException("interrupted while setting the nice level of process " + pid, e);
        }
    }
}
