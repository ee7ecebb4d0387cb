package dev.ssi.checkpoint;

import dev.ssi.checkpoint.os.Descriptors;
import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.checkpoint.os.OsException;
import dev.ssi.checkpoint.os.Pipe;
import dev.ssi.checkpoint.os.Processes;
import dev.ssi.checkpoint.os.Spawn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A job as ssid will run one: ssi-init in fresh namespaces, stdin and stdout (stderr too) pipes
 * whose other ends we hold, and the output collected as it arrives. After a restore, attach the
 * restored tree to new pipes with {@link #restoreFrom}; the output goes on in the same buffer.
 */
final class ShimJob implements AutoCloseable {
    static final Path SHIM = Path.of(System.getProperty("ssi.bin", "../native/target/bin"), "ssi-init");

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final List<Thread> readers = new ArrayList<>();
    private final List<Integer> children = new ArrayList<>();
    private final String stdinKey;
    private final String stdoutKey;
    private int root;
    private Pipe stdin;

    private ShimJob(int launcher, int root, Pipe stdin, Pipe stdout) throws IOException {
        children.add(launcher);
        this.root = root;
        this.stdin = stdin;
        this.stdinKey = Descriptors.describe(root, 0);
        this.stdoutKey = Descriptors.describe(root, 1);
        collect(stdout.inputStream());
    }

    static ShimJob start(String... command) throws Exception {
        Pipe in = Pipe.open();
        Pipe out = Pipe.open();
        List<String> argv = new ArrayList<>(List.of(SHIM.toString(), "--"));
        argv.addAll(List.of(command));
        int launcher = Spawn.of(argv).fd(0, in.readFd()).fd(1, out.writeFd()).fd(2, out.writeFd()).start();
        in.closeReadEnd();
        out.closeWriteEnd();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            var init = Processes.onlyChild(launcher);
            if (init.isPresent()) {
                return new ShimJob(launcher, (int) init.get().pid(), in, out);
            }
            if (System.nanoTime() > deadline) {
                Processes.killAndReap(launcher);
                throw new IllegalStateException("ssi-init started no pid 1");
            }
            Thread.sleep(1);
        }
    }

    /** Its stdin and stdout as CRIU's inherit_fd keys name them, e.g. "pipe:[4242]". */
    String stdinKey() {
        return stdinKey;
    }

    String stdoutKey() {
        return stdoutKey;
    }

    /** The pid of the job's pid 1, the root CRIU dumps. */
    int root() {
        return root;
    }

    /** Restores the job from {@code images} onto fresh stdio pipes; its output keeps coming here. */
    RestoredTree restoreFrom(Criu criu, RestoreSpec spec) throws Exception {
        Pipe in = Pipe.open();
        Pipe out = Pipe.open();
        RestoredTree tree;
        try {
            tree = criu.restore(spec.inherit(stdinKey, in.readFd()).inherit(stdoutKey, out.writeFd()));
        } catch (CriuException e) {
            in.close();
            out.close();
            throw e;
        }
        in.closeReadEnd();
        out.closeWriteEnd();
        stdin.close();
        stdin = in;
        root = tree.pid();
        children.add(tree.pid());
        collect(out.inputStream());
        return tree;
    }

    /** Waits for every reader to see end-of-file, then returns all output so far. */
    String awaitOutput() throws InterruptedException {
        for (Thread t : readers) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        return output();
    }

    String output() {
        synchronized (output) {
            return output.toString(StandardCharsets.UTF_8);
        }
    }

    int linesSoFar() {
        return (int) output().chars().filter(c -> c == '\n').count();
    }

    void awaitLines(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (linesSoFar() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + linesSoFar() + " lines after 30 s");
            }
            Thread.sleep(5);
        }
    }

    /** Reaps the launcher, which ends once its pid 1 has been dumped and killed. */
    ExitStatus reapLauncher() throws OsException {
        return Processes.waitFor(children.get(0));
    }

    private void collect(InputStream in) {
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (output) {
                        output.write(buf, 0, n);
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "job-output");
        reader.setDaemon(true);
        reader.start();
        readers.add(reader);
    }

    @Override
    public void close() {
        for (int child : children) {
            Processes.killAndReap(child);
        }
        stdin.close();
    }
}
