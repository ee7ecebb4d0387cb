package dev.ssi.daemon.job;

import dev.ssi.checkpoint.os.Spool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * Takes a job's output from its pipe on a thread of its own and hands it on, numbered, until
 * end-of-file. The bytes go from the pipe into the epoch's spool file first, so that what this
 * ssid took from the pipe and had not yet handed on when it was killed is not lost: the next
 * pump of the epoch, after a restart, hands on what the spool holds beyond the journaled
 * {@link OutputCursor}, then goes on with the pipe.
 */
public final class OutputPump {
    private static final int CHUNK = 64 * 1024;

    private final CompletableFuture<Long> drained = new CompletableFuture<>();

    private OutputPump() {}

    /** Pumps {@code running}'s output through the spool at {@code spool}, from {@code from} on. */
    public static OutputPump start(JobId job, int epoch, RunningJob running, Path spool, OutputCursor from,
            ChunkSink sink) {
        OutputPump pump = new OutputPump();
        Thread t = new Thread(() -> pump.run(job, epoch, running, spool, from, sink), "output-" + job);
        t.setDaemon(true);
        t.start();
        return pump;
    }

    private void run(JobId job, int epoch, RunningJob running, Path spoolPath, OutputCursor from, ChunkSink sink) {
        long seq = from.seq();
        long offset = from.offset();
        try (InputStream pipe = running.stdout(); Spool spool = Spool.open(spoolPath, offset)) {
            while (true) {
                if (offset == spool.size() && spool.takeFrom(running.stdoutFd(), CHUNK) == 0) {
                    break;
                }
                int n = (int) Math.min(CHUNK, spool.size() - offset);
                sink.chunk(job, epoch, seq++, spool.read(offset, n));
                offset += n;
                spool.release(offset);
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
