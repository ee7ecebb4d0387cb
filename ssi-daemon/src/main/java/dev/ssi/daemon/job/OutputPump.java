package dev.ssi.daemon.job;

import dev.ssi.checkpoint.os.OsException;
import dev.ssi.checkpoint.os.Spool;
import dev.ssi.daemon.concurrent.PollLoop;
import dev.ssi.daemon.concurrent.Threads;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Takes a job's output from its pipe and hands it on, numbered, until end-of-file. The bytes go
 * from the pipe into the epoch's spool file first, so that what this ssid took from the pipe and
 * had not yet handed on when it was killed is not lost: the next pump of the epoch, after a
 * restart, hands on what the spool holds beyond the journaled {@link OutputCursor}, then goes on
 * with the pipe. Where the spool fails (a full or read-only disk), the output goes on straight
 * from the pipe: only that crash safety is lost, not output.
 *
 * <p>No thread waits for a quiet job: the shared {@link PollLoop} watches every pipe, and a pump
 * runs on the bounded output pool only while its pipe has something, until it is empty again
 * (docs/concurrency.md). Handing on may wait (home behind, its ssi-run not reading): only that
 * job's pump waits, holding one of the pool's threads.
 */
public final class OutputPump {
    private static final System.Logger LOG = System.getLogger(OutputPump.class.getName());
    private static final int CHUNK = 64 * 1024;
    /** Pumps with output at the same moment; beyond, a pump waits for a thread. */
    private static final int MAX_PUMPING = 32;
    private static final ExecutorService PUMPING = Threads.bounded("ssi-output", MAX_PUMPING);

    private final CompletableFuture<Long> drained = new CompletableFuture<>();
    private final JobId job;
    private final int epoch;
    private final RunningJob running;
    private final Path spoolPath;
    private final ChunkSink sink;
    private Spool spool;
    private long seq;
    private long offset;

    private OutputPump(JobId job, int epoch, RunningJob running, Path spoolPath, OutputCursor from, ChunkSink sink) {
        this.job = job;
        this.epoch = epoch;
        this.running = running;
        this.spoolPath = spoolPath;
        this.sink = sink;
        this.seq = from.seq();
        this.offset = from.offset();
    }

    /** Pumps {@code running}'s output through the spool at {@code spool}, from {@code from} on. */
    public static OutputPump start(JobId job, int epoch, RunningJob running, Path spool, OutputCursor from,
            ChunkSink sink) {
        OutputPump pump = new OutputPump(job, epoch, running, spool, from, sink);
        PUMPING.execute(pump::open);
        return pump;
    }

    private void open() {
        try {
            spool = Spool.open(spoolPath, offset);
        } catch (OsException e) {
            spoolFailed(e);
            return;
        }
        pump();
    }

    /**
     * Through the spool while the pipe has something; then the loop is asked to call again once
     * it has more, and this thread goes back to the pool.
     */
    private void pump() {
        try {
            while (true) {
                if (offset == spool.size()) {
                    int taken = spool.takeAvailable(running.stdoutFd(), CHUNK);
                    if (taken < 0) {
                        PollLoop.shared().onceReadable(running.stdoutFd(), PUMPING, this::pump);
                        return;
                    }
                    if (taken == 0) {
                        spool.close();
                        end();
                        return;
                    }
                }
                int n = (int) Math.min(CHUNK, spool.size() - offset);
                sink.chunk(job, epoch, seq++, spool.read(offset, n));
                offset += n;
                spool.release(offset);
            }
        } catch (OsException e) {
            spool.close();
            spoolFailed(e);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "the output of " + job + " could not be handed on; its pump stops", e);
        }
    }

    /** Straight from the pipe to its end, holding this thread: the rare way, once the spool failed. */
    private void spoolFailed(OsException e) {
        LOG.log(System.Logger.Level.WARNING, "the output spool of " + job + " failed (" + e.getMessage()
                + "); its output goes on unspooled, unsafe against a crash of this ssid");
        InputStream pipe = running.stdout();
        byte[] buf = new byte[CHUNK];
        try {
            for (int n; (n = pipe.read(buf)) > 0; ) {
                sink.chunk(job, epoch, seq++, Arrays.copyOf(buf, n));
            }
        } catch (IOException broken) {
            // A broken pipe ends the output like end-of-file does; the job's status says the rest.
        }
        end();
    }

    private void end() {
        try {
            running.stdout().close();
        } catch (IOException ignored) {
            // Closed either way.
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
