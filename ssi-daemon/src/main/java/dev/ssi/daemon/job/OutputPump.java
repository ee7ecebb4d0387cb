package dev.ssi.daemon.job;

import dev.ssi.checkpoint.os.OsException;
import dev.ssi.checkpoint.os.Spool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * Takes a job's output from its pipe on a thread of its own and hands it on, numbered, until
 * end-of-file. The bytes go from the pipe into the epoch's spool file first, so that what this
 * ssid took from the pipe and had not yet handed on when it was killed is not lost: the next
 * pump of the epoch, after a restart, hands on what the spool holds beyond the journaled
 * {@link OutputCursor}, then goes on with the pipe. Where the spool fails (a full or read-only
 * disk), the output goes on straight from the pipe: only that crash safety is lost, not output.
 */
public final class OutputPump {
    private static final System.Logger LOG = System.getLogger(OutputPump.class.getName());
    private static final int CHUNK = 64 * 1024;

    private final CompletableFuture<Long> drained = new CompletableFuture<>();
    private long seq;
    private long offset;

    private OutputPump(OutputCursor from) {
        this.seq = from.seq();
        this.offset = from.offset();
    }

    /** Pumps {@code running}'s output through the spool at {@code spool}, from {@code from} on. */
    public static OutputPump start(JobId job, int epoch, RunningJob running, Path spool, OutputCursor from,
            ChunkSink sink) {
        OutputPump pump = new OutputPump(from);
        Thread t = new Thread(() -> pump.run(job, epoch, running, spool, sink), "output-" + job);
        t.setDaemon(true);
        t.start();
        return pump;
    }

    private void run(JobId job, int epoch, RunningJob running, Path spoolPath, ChunkSink sink) {
        try (InputStream pipe = running.stdout()) {
            boolean ended;
            try (Spool spool = Spool.open(spoolPath, offset)) {
                ended = spooled(job, epoch, running.stdoutFd(), spool, sink);
            } catch (OsException e) {
                LOG.log(System.Logger.Level.WARNING, "the output spool of " + job + " failed (" + e.getMessage()
                        + "); its output goes on unspooled, unsafe against a crash of this ssid");
                ended = false;
            }
            if (!ended) {
                unspooled(job, epoch, pipe, sink);
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

    /** Through the spool, until end-of-file (true) or until the spool fails (an exception). */
    private boolean spooled(JobId job, int epoch, int pipeFd, Spool spool, ChunkSink sink) throws OsException {
        while (true) {
            if (offset == spool.size() && spool.takeFrom(pipeFd, CHUNK) == 0) {
                return true;
            }
            int n = (int) Math.min(CHUNK, spool.size() - offset);
            sink.chunk(job, epoch, seq++, spool.read(offset, n));
            offset += n;
            spool.release(offset);
        }
    }

    private void unspooled(JobId job, int epoch, InputStream pipe, ChunkSink sink) throws IOException {
        byte[] buf = new byte[CHUNK];
        for (int n; (n = pipe.read(buf)) > 0; ) {
            sink.chunk(job, epoch, seq++, Arrays.copyOf(buf, n));
        }
    }

    /** Completes, with the number of chunks of the epoch, once the pipe reached end-of-file and the end was handed on. */
    public CompletableFuture<Long> drained() {
        return drained;
    }
}
