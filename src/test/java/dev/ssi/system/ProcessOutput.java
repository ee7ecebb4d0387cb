package dev.ssi.system;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * What a process writes, read on a thread of its own as it comes: a test can wait for the
 * first signs of progress, then for all of it.
 */
final class ProcessOutput {
    private static final long PROGRESS_DEADLINE_SECONDS = 60;

    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> all = new CompletableFuture<>();

    private ProcessOutput() {}

    static ProcessOutput of(InputStream in) {
        ProcessOutput output = new ProcessOutput();
        Thread reader = new Thread(() -> output.read(in), "process-output");
        reader.setDaemon(true);
        reader.start();
        return output;
    }

    private void read(InputStream in) {
        byte[] buffer = new byte[64 * 1024];
        try (in) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                synchronized (this) {
                    seen.write(buffer, 0, n);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            all.completeExceptionally(new UncheckedIOException(e));
        }
        synchronized (this) {
            all.complete(seen.toByteArray());
            notifyAll();
        }
    }

    /** Waits until at least {@code bytes} have come; fails if the output ends or stalls first. */
    void awaitBytes(long bytes) throws InterruptedException {
        await(out -> out.length >= bytes, bytes + " bytes");
    }

    /** Waits until at least {@code lines} whole lines have come; fails if the output ends or stalls first. */
    void awaitLines(int lines) throws InterruptedException {
        await(out -> countLines(out) >= lines, lines + " lines");
    }

    /** The whole lines that have come so far. */
    synchronized int lines() {
        return countLines(seen.toByteArray());
    }

    /** Everything, once the stream has ended. */
    byte[] all() throws IOException {
        try {
            return all.get(10, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw new IOException("reading the output failed", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IOException("the output did not end", e);
        }
    }

    private synchronized void await(Predicate<byte[]> reached, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PROGRESS_DEADLINE_SECONDS);
        while (!reached.test(seen.toByteArray())) {
            if (all.isDone()) {
                throw new AssertionError("the output ended after " + seen.size() + " bytes, before " + what);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + what + " of output within " + PROGRESS_DEADLINE_SECONDS + " s");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    private static int countLines(byte[] bytes) {
        int lines = 0;
        for (byte b : bytes) {
            if (b == '\n') {
                lines++;
            }
        }
        return lines;
    }
}
