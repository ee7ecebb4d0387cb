package dev.ssi.pool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the system tools the pool is made with (ip, tc, ...) and fails with their own words. */
public final class Commands {
    private static final long TIMEOUT_SECONDS = 30;

    private Commands() {}

    /** Runs a command to its end; returns its standard output, or throws with its stderr. */
    public static String run(String... command) {
        return run(List.of(command));
    }

    public static String run(List<String> command) {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new PoolException("cannot start `" + String.join(" ", command) + "`: " + e.getMessage(), e);
        }
        try {
            process.getOutputStream().close();
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readStderr(process));
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new PoolException("`" + String.join(" ", command) + "` did not finish within "
                        + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new PoolException("`" + String.join(" ", command) + "` failed (exit " + process.exitValue()
                        + "): " + stderr.join().strip());
            }
            return stdout;
        } catch (IOException e) {
            throw new PoolException("`" + String.join(" ", command) + "`: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new PoolException("interrupted while running `" + String.join(" ", command) + "`", e);
        }
    }

    /** The same command, run in a pool host's network namespace. */
    static List<String> inNamespace(String namespace, String... command) {
        List<String> line = new ArrayList<>(List.of("nsenter", "--net=" + Network.namespacePath(namespace), "--"));
        line.addAll(List.of(command));
        return line;
    }

    private static String readStderr(Process process) {
        try (InputStream in = process.getErrorStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(its stderr could not be read: " + e.getMessage() + ")";
        }
    }
}
