package dev.ssi.checkpoint;

import dev.ssi.checkpoint.os.Pipe;
import dev.ssi.checkpoint.os.Processes;
import dev.ssi.checkpoint.os.Spawn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code criu} command line, run as a user would run it, for benchmarks that set our client
 * or a whole migration beside plain CRIU: a dump that kills the tree, and a restore of it as our
 * child with its stdio pipes re-attached, as ours does.
 */
public final class CriuCommandLine {
    /** Where inherited descriptors go in criu's table: clear of stdio. */
    private static final int INHERITED_FD_BASE = 10;

    private final Path binary;

    public CriuCommandLine(Path binary) {
        this.binary = binary;
    }

    /** {@code criu dump -t ROOT}: the tree is killed once its images are written. */
    public void dump(int root, Path images, Path work) throws Exception {
        run(List.of("dump", "-t", Integer.toString(root), "-D", images.toString(), "-W", work.toString(),
                "-o", "dump.log", "-v2"), Map.of(), work.resolve("dump.log"));
    }

    /**
     * {@code criu restore -d --restore-sibling}: the restored root, which it returns, is our child.
     * {@code inherited} re-attaches the tree's descriptors named by their dump-time keys
     * (e.g. "pipe:[4242]") to descriptors of ours.
     */
    public int restore(Path images, Path work, Map<String, Integer> inherited) throws Exception {
        Path pidFile = work.resolve("restored.pid");
        List<String> args = new ArrayList<>(List.of("restore", "-D", images.toString(), "-W", work.toString(),
                "-o", "restore.log", "-v2", "-d", "--restore-sibling", "--manage-cgroups=ignore",
                "--pidfile", pidFile.toString()));
        Map<Integer, Integer> fds = new LinkedHashMap<>();
        int next = INHERITED_FD_BASE;
        for (Map.Entry<String, Integer> e : inherited.entrySet()) {
            args.addAll(List.of("--inherit-fd", "fd[" + next + "]:" + e.getKey()));
            fds.put(next++, e.getValue());
        }
        run(args, fds, work.resolve("restore.log"));
        return Integer.parseInt(Files.readString(pidFile).strip());
    }

    /**
     * Seconds for a restore of a job whose stdio pipes were {@code stdinKey} and {@code stdoutKey},
     * re-attached to fresh pipes, as a migration's destination restores it; the tree is then killed.
     */
    public double secondsToRestore(Path images, Path work, String stdinKey, String stdoutKey) throws Exception {
        try (Pipe in = Pipe.open(); Pipe out = Pipe.open()) {
            Map<String, Integer> stdio = new LinkedHashMap<>();
            stdio.put(stdoutKey, out.writeFd());
            stdio.put(stdinKey, in.readFd());
            long start = System.nanoTime();
            int restored = restore(images, work, stdio);
            double seconds = (System.nanoTime() - start) / 1e9;
            Processes.killAndReap(restored);
            return seconds;
        }
    }

    private void run(List<String> args, Map<Integer, Integer> inheritedFds, Path log) throws Exception {
        List<String> argv = new ArrayList<>(List.of(binary.toString()));
        argv.addAll(args);
        Spawn spawn = Spawn.of(argv);
        inheritedFds.forEach(spawn::fd);
        var status = Processes.waitFor(spawn.start());
        if (status.shellCode() != 0) {
            throw new IllegalStateException("criu " + args.get(0) + " " + status + "; see " + log);
        }
    }
}
