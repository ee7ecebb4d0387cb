package dev.ssi.daemon.control;

import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.daemon.control.ControlFrame.Type;
import dev.ssi.daemon.home.HomeOutput;
import dev.ssi.daemon.home.HomeSide;
import dev.ssi.daemon.home.OutputReader;
import dev.ssi.daemon.job.JobId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An ssi-run attached to its job, once its request is answered: the job's output goes to it as
 * OUTPUT frames as fast as it reads them and no faster, then the job's exit status; its SIGNAL
 * frames go to the job, its RECEIVED frames let home drop what it has. Everything here but
 * {@link #more} runs on the {@link AttachedClients} loop, never blocking: its socket is
 * non-blocking, one frame at most waits in memory for it, and a signal (which may have to
 * reach another node) goes to an executor while this client is not read from.
 */
final class AttachedClient implements OutputReader {
    private static final System.Logger LOG = System.getLogger(AttachedClient.class.getName());
    private static final int CHUNK = 64 * 1024;
    private static final int SIGHUP = 1;
    /** Room for what ssi-run sends once attached: SIGNAL and RECEIVED frames, a few bytes each. */
    private static final int INPUT_BYTES = 512;

    private final AttachedClients loop;
    private final SocketChannel channel;
    private final JobId job;
    private final HomeSide home;
    private final Executor signals;
    private final ByteBuffer input;
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile HomeOutput output;
    private volatile boolean signalling;
    private SelectionKey key;
    private ByteBuffer pending;
    /** The bytes of output sent: the next OUTPUT frame starts there. */
    private long sent;
    private boolean exitSent;
    private boolean closed;
    private boolean shut;

    /** {@code early}: what the client sent after its request, read already with it. */
    AttachedClient(AttachedClients loop, SocketChannel channel, JobId job, HomeSide home, Executor signals, long from,
            byte[] early) {
        this.loop = loop;
        this.channel = channel;
        this.job = job;
        this.home = home;
        this.signals = signals;
        this.sent = from;
        this.input = ByteBuffer.allocate(Math.max(INPUT_BYTES, early.length));
        input.put(early);
    }

    /** Home has attached this client to {@code attached}: the loop takes over its connection. */
    void start(HomeOutput attached) throws IOException {
        channel.configureBlocking(false);
        output = attached;
        attached.exit().whenComplete((status, failure) -> more());
        more();
    }

    @Override
    public void more() {
        if (output != null && queued.compareAndSet(false, true)) {
            loop.wake(this);
        }
    }

    /** On the loop, as it takes this client from its queue: registers it the first time, reads on after a signal, writes. */
    void serve(Selector selector) {
        queued.set(false);
        if (closed) {
            return;
        }
        if (key == null) {
            try {
                key = channel.register(selector, SelectionKey.OP_READ, this);
            } catch (IOException e) {
                gone("cannot be watched: " + e.getMessage());
                return;
            }
        }
        if (!signalling && (key.interestOps() & SelectionKey.OP_READ) == 0) {
            key.interestOps(key.interestOps() | SelectionKey.OP_READ);
        }
        if (!signalling) {
            takeFrames();
        }
        write();
    }

    /** On the loop: the socket has something to read, or its end. */
    void readable() {
        try {
            if (channel.read(input) < 0) {
                gone(null);
                return;
            }
        } catch (IOException e) {
            gone(null);
            return;
        }
        takeFrames();
    }

    /** On the loop: the socket takes more. */
    void writable() {
        write();
    }

    /** Serving this client failed unexpectedly: it is let go of as if it had gone. */
    void failed(RuntimeException e) {
        if (!closed) {
            gone("could not be served (" + e + ")");
        }
    }

    /** Closes the connection without a word to the job: ssid is stopping, and ssi-run attaches to the next one. */
    void close() {
        closed = true;
        closeQuietly();
    }

    private void takeFrames() {
        input.flip();
        try {
            while (!closed && !signalling && input.remaining() >= 5) {
                int length = input.getInt(input.position());
                if (length < 1 || length > input.capacity() - 4) {
                    gone("sent a frame of " + length + " bytes");
                    return;
                }
                if (input.remaining() < 4 + length) {
                    break;
                }
                input.getInt();
                Type type = Type.of(input.get());
                byte[] payload = new byte[length - 1];
                input.get(payload);
                take(new ControlFrame(type, payload));
            }
        } catch (IOException e) {
            gone(e.getMessage());
            return;
        } finally {
            input.compact();
        }
    }

    private void take(ControlFrame frame) throws IOException {
        switch (frame.type()) {
            case RECEIVED -> {
                long upTo = frame.reader().u64();
                if (upTo > sent) {
                    throw new IOException("said it has byte " + upTo + " of the output, of " + sent + " sent");
                }
                output.received(upTo);
            }
            case SIGNAL -> signal(frame.reader().u32());
            default -> throw new IOException("sent an unexpected " + frame.type() + " frame");
        }
    }

    /** A signal may take a while (another node, a frozen job thawed first): meanwhile this client is not read from. */
    private void signal(int signal) {
        signalling = true;
        key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
        signals.execute(() -> {
            try {
                if (!output.exit().isDone()) {
                    home.signal(job, signal);
                }
            } catch (IOException | RuntimeException e) {
                // The job is beyond reach, or ended meanwhile; its home hears of its end.
            } finally {
                signalling = false;
                more();
            }
        });
    }

    /** As much as the socket takes now: output from where it stands, then the exit status once all output is sent. */
    private void write() {
        try {
            while (!closed) {
                if (pending == null || !pending.hasRemaining()) {
                    if (exitSent) {
                        finished();
                        return;
                    }
                    pending = nextFrame();
                    if (pending == null) {
                        key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
                        return;
                    }
                }
                channel.write(pending);
                if (pending.hasRemaining()) {
                    key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
                    return;
                }
            }
        } catch (IOException e) {
            gone(null);
        }
    }

    private ByteBuffer nextFrame() throws IOException {
        byte[] bytes = output.read(sent, CHUNK);
        if (bytes.length > 0) {
            sent += bytes.length;
            return frame(Type.OUTPUT, bytes);
        }
        if (output.exit().isDone()) {
            ExitStatus status = output.exit().join();
            exitSent = true;
            return frame(Type.EXIT, ByteBuffer.allocate(8).putInt(status.code()).putInt(status.signal()).array());
        }
        return null;
    }

    private static ByteBuffer frame(Type type, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(5 + payload.length);
        frame.putInt(payload.length + 1).put((byte) type.code).put(payload);
        return frame.flip();
    }

    /** ssi-run has the job's end: home forgets the job. */
    private void finished() {
        closed = true;
        closeQuietly();
        home.done(job);
    }

    /** The client went away before the job's end (or broke the protocol): a hang-up, as for a terminal. */
    private void gone(String why) {
        if (why != null) {
            LOG.log(System.Logger.Level.WARNING, "the ssi-run of " + job + " " + why + "; its connection is closed");
        }
        closed = true;
        closeQuietly();
        home.detach(job, this);
        if (!output.exit().isDone()) {
            signals.execute(() -> {
                try {
                    home.signal(job, SIGHUP);
                } catch (IOException | RuntimeException e) {
                    // Beyond reach, or ended meanwhile.
                }
            });
        }
    }

    private void closeQuietly() {
        if (shut) {
            return;
        }
        shut = true;
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closed either way.
        }
        loop.release();
    }
}
