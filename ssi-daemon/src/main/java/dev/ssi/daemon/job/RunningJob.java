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
import dev.ssi.daemon.concurrent.PollLoop;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A job's process tree on this node, with this node's ends of its pipes: its output (stdout and
 * stderr share one pipe, so their order is the order the job wrote them in) and its status
 * (where its pid 1, ssi-init, reports how the job ended). Started fresh, restored from images
 * onto new pipes, or taken over again after this ssid restarted.
 */
public final class RunningJob {
    /** ssi-init's --status-fd in the job: the descriptor it reports the job's end on. */
    static final int STATUS_FD = 3;

    private final int root;
    private final long rootStart;
    private final Pipe output;
    private final Pipe status;
    private final InputStream stdout;
    private final String stdinKey;
    private final String stdoutKey;
    private final String statusKey;

    private RunningJob(int root, Pipe output, Pipe status, String stdinKey) throws IOException {
        this.root = root;
        this.rootStart = root > 0 ? Processes.startTime(root).orElse(0) : 0;
        this.output = output;
        this.status = status;
        this.stdout = output.inputStream();
        // CRIU knows the job's pipes by their inodes, which our ends show too.
        long self = ProcessHandle.current().pid();
        this.stdinKey = stdinKey;
        this.stdoutKey = Descriptors.describe(self, output.readFd());
        this.statusKey = Descriptors.describe(self, status.readFd());
    }

    /** Starts a job under ssi-init in its own namespaces, as {@code owner}. */
    public static RunningJob launch(Path shim, JobSpec spec, Owner owner) throws IOException {
        Pipe in = Pipe.open();
        Pipe out = Pipe.open();
        Pipe status = Pipe.open();
        List<String> command = new ArrayList<>(LaunchNice.prefix());
        command.addAll(List.of(shim.toString(), "--umask", Integer.toOctalString(spec.umask()),
                "--status-fd", Integer.toString(STATUS_FD)));
        command.addAll(owner.initArguments());
        command.add("--");
        command.addAll(spec.argv());
        int launcher;
        try {
            launcher = Spawn.of(command).directory(spec.directory()).environment(spec.environment())
                    .fd(0, in.readFd()).fd(1, out.writeFd()).fd(2, out.writeFd()).fd(STATUS_FD, status.writeFd()).start();
        } catch (OsException e) {
            in.close();
            out.close();
            status.close();
            throw e;
        }
        out.closeWriteEnd();
        status.closeWriteEnd();
        // Until stdin is forwarded from ssi-run, jobs read end-of-file, as from /dev/null.
        String stdinKey = Descriptors.describe(ProcessHandle.current().pid(), in.writeFd());
        in.close();
        PollLoop.shared().reap(launcher);
        try {
            return new RunningJob(initOf(launcher), out, status, stdinKey);
        } catch (IOException e) {
            Processes.signal(launcher, Processes.SIGKILL);
            out.close();
            status.close();
            throw e;
        }
    }

    /** Restores a job from {@code images}, left stopped, its stdio and status re-attached to new pipes held here. */
    public static RunningJob restore(Criu criu, Path images, Path work, JobPipes keys) throws CriuException, IOException {
        Pipe in = Pipe.open();
        Pipe out = Pipe.open();
        Pipe status = Pipe.open();
        RestoredTree tree;
        try {
            tree = criu.restore(RestoreSpec.of(images, work).inherit(keys.stdin(), in.readFd())
                    .inherit(keys.stdout(), out.writeFd()).inherit(keys.status(), status.writeFd()).leaveStopped());
        } catch (CriuException e) {
            in.close();
            out.close();
            status.close();
            throw e;
        }
        String stdinKey = Descriptors.describe(ProcessHandle.current().pid(), in.writeFd());
        in.close();
        out.closeWriteEnd();
        status.closeWriteEnd();
        PollLoop.shared().reap(tree.pid());
        return new RunningJob(tree.pid(), out, status, stdinKey);
    }

    /**
     * Takes over a job this node ran before its ssid restarted: {@code output} and {@code status}
     * are the read ends the keeper kept. {@code root} is 0 when the tree is gone.
     */
    public static RunningJob adopt(int root, int output, int status, String stdinKey) throws IOException {
        return new RunningJob(root, Pipe.ofReadEnd(output), Pipe.ofReadEnd(status), stdinKey);
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

    /** About what the job's CRIU images will take: the resident memory of its processes. */
    public long residentBytes() {
        return ResidentMemory.ofTree(root());
    }

    public int root() {
        return root;
    }

    /** Whose job it is (see {@link #userOf}). */
    public String user() {
        return userOf(root);
    }

    /**
     * Whose job the tree under pid 1 {@code root} is: the owner of pid 1's child, the command
     * (pid 1 itself stays root), or of pid 1 when it has no child; "unknown" once it is gone.
     */
    public static String userOf(int root) {
        long task = Processes.onlyChild(root).map(ProcessHandle::pid).orElse((long) root);
        try {
            return java.nio.file.Files.getOwner(Path.of("/proc", Long.toString(task))).getName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** When the root started (see {@link Processes#startTime}), 0 when there is no root. */
    public long rootStart() {
        return rootStart;
    }

    /** How CRIU names the job's ends of its pipes, for a restore elsewhere. */
    public JobPipes pipes() {
        return new JobPipes(stdinKey, stdoutKey, statusKey);
    }

    /** Our read ends of the job's output and status pipes, for the keeper to hold a copy of. */
    public int[] descriptors() {
        return new int[] {output.readFd(), status.readFd()};
    }

    public InputStream stdout() {
        return stdout;
    }

    /** Our read end of the job's output pipe, the descriptor {@link #stdout} reads. */
    public int stdoutFd() {
        return output.readFd();
    }

    public void resume() throws OsException {
        if (root > 0) {
            Processes.resumeTree(root);
        }
    }

    /**
     * Completes once the job ends, with how: what pid 1 wrote to the status pipe, or death by
     * SIGKILL when it closed the pipe without a word (only SIGKILL can kill it unawares). The
     * status pipe is read by the shared {@link PollLoop}; ask once.
     */
    public CompletableFuture<ExitStatus> exit() {
        return PollLoop.shared().readToEnd(status).thenApply(RunningJob::parseStatus);
    }

    static ExitStatus parseStatus(String report) {
        String[] kindAndNumber = report.strip().split(" ");
        if (kindAndNumber.length == 2 && kindAndNumber[1].matches("[0-9]{1,3}")) {
            int number = Integer.parseInt(kindAndNumber[1]);
            if (kindAndNumber[0].equals("exit")) {
                return ExitStatus.exited(number);
            }
            if (kindAndNumber[0].equals("signal")) {
                return ExitStatus.killedBy(number);
            }
        }
        return ExitStatus.killedBy(Processes.SIGKILL);
    }

    /** Sends {@code signal} to pid 1, which passes the ones a user sends on to the job's process group. */
    public void signal(int signal) throws OsException {
        if (isAlive()) {
            Processes.signal(root, signal);
        }
    }

    /** Kills the whole tree (pid 1 takes its namespace with it). */
    public void kill() throws OsException {
        signal(Processes.SIGKILL);
    }

    /** Whether the root we started or restored is still there (and not some later process with its pid). */
    public boolean isAlive() {
        return root > 0 && Processes.isSame(root, rootStart);
    }

    /** Why this job cannot leave this node (a socket, a terminal), or empty when it can. */
    public java.util.Optional<String> pinnedBecause() {
        return isAlive() ? PinCheck.reason(Processes.tree(root)) : java.util.Optional.empty();
    }

    /** The files and directories the tree holds open, by path: a destination must see them too. */
    public List<String> openFiles() {
        List<String> files = new ArrayList<>();
        if (!isAlive()) {
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
