package dev.ssi.daemon.job;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/** Reads a job's output pipe on its own thread and hands it on, numbered, until end-of-file. */
public final class OutputPump {
    private static final int CHUNK = 64 * 1024;

    private final CompletableFuture<Long> drained = new CompletableFuture<>();

    private OutputPump() {}

    /** Reads {@code output} on a thread of its own, numbering its chunks from {@code firstSeq}. */
    public static OutputPump start(JobId job, int epoch, long firstSeq, InputStream output, ChunkSink sink) {
        OutputPump pump = new OutputPump();
        Thread t = new Thread(() -> pump.run(job, epoch, firstSeq, output, sink), "output-" + job);
        t.setDaemon(true);
        t.start();
        return pump;
    }

    private void run(JobId job, int epoch, long firstSeq, InputStream output, ChunkSink sink) {
        long seq = firstSeq;
        byte[] buf = new byte[CHUNK];
        try (output) {
            for (int n; (n = output.read(buf)) > 0; ) {
                sink.chunk(job, epoch, seq++, Arrays.copyOf(buf, n));
            }
        } catch (IOException e) {
            // A broken pipe ends the output like end-of-file does; the job's status says the rest.
        }
        try {
            sink.end(job, epoch, seq);
        } finally {
            drained.complete(seq);
        }
    }

    /** Completes, with the number of chunks of the epoch, once the pipe reached end-of-file and the end was handed on. */
    public CompletableFuture<Long> drained() {
        return drained;
    }
}
