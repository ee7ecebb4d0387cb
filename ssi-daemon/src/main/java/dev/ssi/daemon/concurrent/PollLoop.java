package dev.ssi.daemon.concurrent;

import dev.ssi.checkpoint.os.Descriptors;
import dev.ssi.checkpoint.os.OsException;
import dev.ssi.checkpoint.os.Pipe;
import dev.ssi.checkpoint.os.Poll;
import dev.ssi.checkpoint.os.Processes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One thread that waits for every job of this ssid at once, in {@code poll(2)}: it reaps the
 * children we started or restored (each through a pidfd, never {@code waitpid(-1)}, which would
 * take CRIU's children and the JVM's too), reads every job's status pipe to its end, and tells
 * the output pumps when a job's output pipe has something. It never blocks anywhere else: what
 * follows runs on the callers' executors.
 */
public final class PollLoop {
    private static final System.Logger LOG = System.getLogger(PollLoop.class.getName());
    private static final PollLoop SHARED = new PollLoop();

    /** Something the loop waits on: {@link #ready} is called when its descriptor polls readable. */
    private interface Watched {
        int fd();

        /** Deals with what is there without blocking; true once it is done and no longer watched. */
        boolean ready(short revents) throws IOException;

        void failed(Exception e);
    }

    private final List<Watched> added = new ArrayList<>();
    private Pipe wakeUp;
    private OutputStream wakeUpWriter;
    private Thread loop;

    private PollLoop() {}

    /** The loop of this ssid (started at its first use). */
    public static PollLoop shared() {
        return SHARED;
    }

    /** Reaps our child {@code pid} once it ends, so that it leaves no zombie. */
    public void reap(int pid) {
        int pidfd;
        try {
            pidfd = Poll.pidfd(pid);
        } catch (OsException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot watch child " + pid + " (" + e.getMessage()
                    + "); it is reaped now if it has ended, else left a zombie when it does");
            pollQuietly(pid);
            return;
        }
        add(new Watched() {
            @Override
            public int fd() {
                return pidfd;
            }

            @Override
            public boolean ready(short revents) {
                pollQuietly(pid);
                Descriptors.closeQuietly(pidfd);
                return true;
            }

            @Override
            public void failed(Exception e) {
                Descriptors.closeQuietly(pidfd);
            }
        });
    }

    /**
     * Reads the read end of {@code pipe} to its end, then closes it; completes with what was
     * read, or exceptionally if reading failed.
     */
    public CompletableFuture<String> readToEnd(Pipe pipe) {
        CompletableFuture<String> all = new CompletableFuture<>();
        InputStream in = pipe.inputStream();
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buffer = new byte[256];
        add(new Watched() {
            @Override
            public int fd() {
                return pipe.readFd();
            }

            @Override
            public boolean ready(short revents) throws IOException {
                // Readable: one read(2) does not block, and returns 0 only at end-of-file.
                int n = in.read(buffer);
                if (n > 0) {
                    read.write(buffer, 0, n);
                    return false;
                }
                pipe.closeReadEnd();
                all.complete(read.toString(StandardCharsets.US_ASCII));
                return true;
            }

            @Override
            public void failed(Exception e) {
                pipe.closeReadEnd();
                all.completeExceptionally(e);
            }
        });
        return all;
    }

    /**
     * Once {@code fd} has something to read (or its writers are gone), stops watching it and runs
     * {@code then} on {@code executor}; to go on watching, {@code then} asks again.
     */
    public void onceReadable(int fd, Executor executor, Runnable then) {
        add(new Watched() {
            @Override
            public int fd() {
                return fd;
            }

            @Override
            public boolean ready(short revents) {
                executor.execute(then);
                return true;
            }

            @Override
            public void failed(Exception e) {
                // Not called: ready never throws but for a refused execute, which has been logged.
            }
        });
    }

    private static void pollQuietly(int pid) {
        try {
            Processes.poll(pid);
        } catch (OsException ignored) {
            // Not our child any more: nothing to reap.
        }
    }

    private synchronized void add(Watched watched) {
        added.add(watched);
        if (loop == null) {
            try {
                wakeUp = Pipe.open();
            } catch (OsException e) {
                throw new IllegalStateException("cannot start the poll loop: " + e.getMessage(), e);
            }
            wakeUpWriter = wakeUp.outputStream();
            loop = Threads.start("ssi-poll", this::run);
        } else {
            try {
                wakeUpWriter.write(1);
            } catch (IOException e) {
                throw new IllegalStateException("cannot wake the poll loop: " + e.getMessage(), e);
            }
        }
    }

    private synchronized List<Watched> takeAdded() {
        List<Watched> taken = new ArrayList<>(added);
        added.clear();
        return taken;
    }

    private void run() {
        List<Watched> watched = new ArrayList<>();
        InputStream wakeUps = wakeUp.inputStream();
        byte[] drain = new byte[64];
        while (true) {
            watched.addAll(takeAdded());
            int[] fds = new int[watched.size() + 1];
            fds[0] = wakeUp.readFd();
            for (int i = 0; i < watched.size(); i++) {
                fds[i + 1] = watched.get(i).fd();
            }
            short[] revents;
            try {
                revents = Poll.readable(fds, -1);
                if (revents[0] != 0) {
                    wakeUps.read(drain);
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "the poll loop cannot poll; it tries again in a second", e);
                pause();
                continue;
            }
            List<Watched> done = new ArrayList<>();
            for (int i = 0; i < watched.size(); i++) {
                if (revents[i + 1] != 0) {
                    Watched w = watched.get(i);
                    try {
                        if (w.ready(revents[i + 1])) {
                            done.add(w);
                        }
                    } catch (IOException | RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "the poll loop dropped descriptor " + w.fd(), e);
                        w.failed(e instanceof IOException io ? io : new IOException(e));
                        done.add(w);
                    }
                }
            }
            watched.removeAll(done);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
