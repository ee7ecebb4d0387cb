package dev.ssi.daemon.job;

import dev.ssi.checkpoint.os.OsException;
import dev.ssi.daemon.concurrent.PollLoop;
import dev.ssi.daemon.concurrent.Threads;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Takes a job's output from its pipe and hands it on, numbered, until end-of-file. The bytes go
 * from the pipe into the epoch's spool file first, so that what this ssid took from the pipe and
 * had not yet handed on when it was killed is not lost: the next pump of the epoch, after a
 * restart, hands on what the spool holds beyond the journaled {@link OutputCursor}, then goes on
 * with the pipe. Where the spool fails (a full or read-only disk), the bytes are held in memory
 * instead: only that crash safety is lost, not output.
 *
 * <p>No thread waits, neither for a quiet job nor for a slow reader: the shared {@link PollLoop}
 * watches every pipe, and the sink says when it has room again ({@link WindowedSink}); a pump
 * runs on the bounded output pool, one thread at a time, only while its pipe has something and
 * its sink has room (docs/concurrency.md). Without room it leaves the pipe unread, and the job
 * waits in its write: back-pressure, from home's spool limit to the job itself. When the job
 * leaves for another node, {@link #emptyPipe} takes what its pipe still holds into the spool at
 * once, whatever the room, so that the move never waits for a reader; that rest is handed on as
 * room comes.
 */
public final class OutputPump {
    private static final System.Logger LOG = System.getLogger(OutputPump.class.getName());
    private static final int CHUNK = 64 * 1024;
    /** Pumps with output at the same moment; beyond, a pump waits for a thread. */
    private static final int MAX_PUMPING = 32;
    private static final ExecutorService PUMPING = Threads.bounded("ssi-output", MAX_PUMPING);

    private final CompletableFuture<Long> drained = new CompletableFuture<>();
    private final CompletableFuture<Void> emptied = new CompletableFuture<>();
    private final AtomicInteger kicks = new AtomicInteger();
    private final AtomicBoolean watchingPipe = new AtomicBoolean();
    private final AtomicBoolean awaitingRoom = new AtomicBoolean();
    private final JobId job;
    private final int epoch;
    private final RunningJob running;
    private final Path spoolPath;
    private final WindowedSink sink;
    private volatile boolean emptying;
    // Touched by one run at a time (kicks):
    private TakenOutput taken;
    private boolean atEnd;
    private boolean over;
    private long seq;
    private long offset;

    private OutputPump(JobId job, int epoch, RunningJob running, Path spoolPath, OutputCursor from, WindowedSink sink) {
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
            WindowedSink sink) {
        OutputPump pump = new OutputPump(job, epoch, running, spool, from, sink);
        pump.kick();
        return pump;
    }

    /**
     * The job is gone from here (it left for another node): what its pipe still holds goes into
     * the spool now, whatever room the sink has. Completes once the pipe is at its end and every
     * byte of it is in the spool (or held).
     */
    public CompletableFuture<Void> emptyPipe() {
        emptying = true;
        kick();
        return emptied;
    }

    /** Completes, with the number of chunks of the epoch, once the pipe reached end-of-file and the end was handed on. */
    public CompletableFuture<Long> drained() {
        return drained;
    }

    /** Runs the pump on the output pool unless it runs already; then it runs once more. */
    private void kick() {
        if (kicks.getAndIncrement() == 0) {
            PUMPING.execute(this::run);
        }
    }

    private void run() {
        do {
            try {
                advance();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "the output of " + job + " could not be handed on; its pump stops", e);
                over = true;
                emptied.completeExceptionally(e);
                drained.completeExceptionally(e);
            }
        } while (kicks.decrementAndGet() > 0);
    }

    private void advance() {
        while (!over) {
            try {
                if (taken == null) {
                    taken = SpooledOutput.open(spoolPath, offset);
                }
                pump();
                return;
            } catch (OsException e) {
                spoolFailed(e);
            }
        }
    }

    /** As far as the pipe and the sink's room let it; then it asks to be kicked again when either has changed. */
    private void pump() throws OsException {
        while (true) {
            if (!atEnd && (emptying || (offset == taken.size() && sink.hasRoom(job, epoch)))) {
                int n = taken.takeAvailable(running.stdoutFd(), CHUNK);
                if (n > 0) {
                    continue;
                }
                if (n == 0) {
                    atEnd = true;
                    closePipe();
                    emptied.complete(null);
                    continue;
                }
                watchPipe();
            }
            if (offset < taken.size()) {
                if (!sink.hasRoom(job, epoch)) {
                    awaitRoom();
                    return;
                }
                int n = (int) Math.min(CHUNK, taken.size() - offset);
                sink.chunk(job, epoch, seq++, taken.read(offset, n));
                offset += n;
                taken.release(offset);
                continue;
            }
            if (atEnd) {
                taken.close();
                over = true;
                end();
            } else if (!sink.hasRoom(job, epoch)) {
                awaitRoom();
            }
            return;
        }
    }

    private void watchPipe() {
        if (watchingPipe.compareAndSet(false, true)) {
            PollLoop.shared().onceReadable(running.stdoutFd(), Runnable::run, () -> {
                watchingPipe.set(false);
                kick();
            });
        }
    }

    private void awaitRoom() {
        if (awaitingRoom.compareAndSet(false, true)) {
            sink.whenRoom(job, epoch, () -> {
                awaitingRoom.set(false);
                kick();
            });
        }
    }

    /** From here on the bytes are held in memory; what the spool had and could not give back is lost, and said so. */
    private void spoolFailed(OsException e) {
        long lost = taken == null ? 0 : taken.size() - offset;
        LOG.log(System.Logger.Level.WARNING, "the output spool of " + job + " failed (" + e.getMessage()
                + "); its output goes on unspooled, unsafe against a crash of this ssid"
                + (lost > 0 ? "; " + lost + " bytes it held are lost" : ""));
        if (taken != null) {
            taken.close();
        }
        taken = new HeldOutput(running.stdout(), offset);
    }

    private void closePipe() {
        try {
            running.stdout().close();
        } catch (IOException ignored) {
            // Closed either way.
        }
    }

    private void end() {
        try {
            sink.end(job, epoch, seq);
        } finally {
            drained.complete(seq);
        }
    }
}
