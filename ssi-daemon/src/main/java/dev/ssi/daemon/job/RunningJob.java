package dev.ssi.daemon.job;

import dev.ssi.checkpoint.Criu;
import dev.ssi.checkpoint.CriuException;
import dev.ssi.checkpoint.RestoreSpec;
import dev.ssi.checkpoint.RestoredTree;
import dev.ssi.checkpoint.os.Descriptors;
import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.checkpoint.os.OsException;
import dev.ssi.checkpoint.os.Pipe;
import dev.ssi.checkpoint.os.Processes;
import dev.ssi.checkpoint.os.Spawn;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A job's process tree on this node, with the ends of its stdio pipes that this node holds:
 * started fresh under ssi-init, or restored from images onto new pipes. stdout and stderr share
 * one pipe, so their order is the order the job wrote them in.
 */
public final class RunningJob {
    private final int root;
    /** The process to wait for: ssi-init's launcher for a fresh job, the restored root otherwise. */
    private final int waitable;
    private final Pipe stdin;
    private final InputStream stdout;
    private final String stdinKey;
    private final String stdoutKey;

    /** {@code root} is 0 when the job was over before its pid 1 could be seen. */
    private RunningJob(int root, int waitable, Pipe stdin, Pipe stdout) throws IOException {
        this.root = root;
        this.waitable = waitable;
        this.stdin = stdin;
        this.stdout = stdout.inputStream();
        // The job's stdio are our pipes: CRIU knows them by the pipes' inodes, which our ends show too.
        long self = ProcessHandle.current().pid();
        this.stdinKey = Descriptors.describe(self, stdin.writeFd());
        this.stdoutKey = Descriptors.describe(self, stdout.readFd());
        // Until stdin is forwarded from ssi-run, jobs read end-of-file, as from /dev/null.
        stdin.closeWriteEnd();
    }

    /** Starts a job under ssi-init in its own namespaces. */
    public static RunningJob launch(Path shim, JobSpec spec) throws IOException {
        Pipe in = Pipe.open();
        Pipe out = Pipe.open();
        List<String> command = new ArrayList<>(LaunchNice.prefix());
        command.addAll(List.of(shim.toString(), "--umask", Integer.toOctalString(spec.umask()), "--"));
        command.addAll(spec.argv());
        int launcher = Spawn.of(command).directory(spec.directory()).environment(spec.environment())
                .fd(0, in.readFd()).fd(1, out.writeFd()).fd(2, out.writeFd()).start();
        in.closeReadEnd();
        out.closeWriteEnd();
        try {
            return new RunningJob(initOf(launcher), launcher, in, out);
        } catch (IOException e) {
            Processes.killAndReap(launcher);
            in.close();
            out.close();
            throw e;
        }
    }

    /** Restores a job from {@code images}, left stopped, its stdio re-attached to new pipes held here. */
    public static RunningJob restore(Criu criu, Path images, Path work, String stdinKey, String stdoutKey)
            throws CriuException, IOException {
        Pipe in = Pipe.open();
        Pipe out = Pipe.open();
        RestoredTree tree;
        try {
            tree = criu.restore(RestoreSpec.of(images, work).inherit(stdinKey, in.readFd())
                    .inherit(stdoutKey, out.writeFd()).leaveStopped());
        } catch (CriuException e) {
            in.close();
            out.close();
            throw e;
        }
        in.closeReadEnd();
        out.closeWriteEnd();
        return new RunningJob(tree.pid(), tree.pid(), in, out);
    }

    /** The launcher's pid 1, or 0 when the launcher has already ended (so has the job). */
    private static int initOf(int launcher) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            var init = Processes.onlyChild(launcher);
            if (init.isPresent()) {
                return (int) init.get().pid();
            }
            if (Processes.hasEnded(launcher)) {
                return 0;
            }
            Thread.onSpinWait();
        }
        throw new IOException("ssi-init (pid " + launcher + ") started no pid 1 within 5 s");
    }

    public int root() {
        return root;
    }

    public String stdinKey() {
        return stdinKey;
    }

    public String stdoutKey() {
        return stdoutKey;
    }

    public InputStream stdout() {
        return stdout;
    }

    public void resume() throws OsException {
        if (root > 0) {
            Processes.resumeTree(root);
        }
    }

    /** Blocks until the job ends: its status, death by a signal reported as such. */
    public ExitStatus awaitExit() throws OsException {
        ExitStatus status = Processes.waitFor(waitable);
        stdin.close();
        // pid 1 cannot die of most signals itself and reports death by signal N as 128 + N.
        if (!status.killed() && status.code() > 128 && status.code() < 128 + 65) {
            return ExitStatus.killedBy(status.code() - 128);
        }
        return status;
    }

    /** Sends {@code signal} to pid 1, which passes the ones a user sends on to the job's process group. */
    public void signal(int signal) throws OsException {
        if (root > 0) {
            Processes.signal(root, signal);
        }
    }

    /** Kills the whole tree (pid 1 takes its namespace with it). */
    public void kill() throws OsException {
        signal(Processes.SIGKILL);
    }

    /** Why this job cannot leave this node (a socket, a terminal), or empty when it can. */
    public java.util.Optional<String> pinnedBecause() {
        return root > 0 ? PinCheck.reason(Processes.tree(root)) : java.util.Optional.empty();
    }

    /** The regular files the tree holds open, by path: a destination must see them too. */
    public List<String> openFiles() {
        List<String> files = new ArrayList<>();
        if (root <= 0) {
            return files;
        }
        for (ProcessHandle task : Processes.tree(root)) {
            Path fds = Path.of("/proc", Long.toString(task.pid()), "fd");
            try (var entries = java.nio.file.Files.list(fds)) {
                for (Path fd : (Iterable<Path>) entries::iterator) {
                    String target = java.nio.file.Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("/") && !target.startsWith("/dev/") && !files.contains(target)) {
                        files.add(target);
                    }
                }
            } catch (IOException e) {
                // The task ended while we looked: it holds nothing any more.
            }
        }
        return files;
    }
}
