package dev.ssi.checkpoint;

import dev.ssi.checkpoint.os.Pipe;
import dev.ssi.checkpoint.os.Processes;
import dev.ssi.checkpoint.os.Spawn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Dump and restore of jobs of 64 MiB, 256 MiB and 1 GiB resident memory, through our client
 * and through the {@code criu} command line, alternating, in one run, images on tmpfs.
 * Prints median times and the ratio ours / CLI.
 * Run: {@code scripts/bench-checkpoint.sh [REPETITIONS [MIB...]]}.
 */
public final class CheckpointBenchmark {
    private static final Path SCRATCH = Path.of("/dev/shm");
    private static final String MEMORY_JOB = """
            import os, sys, time
            block = os.urandom(1 << 20)
            data = [bytearray(block) for _ in range(int(sys.argv[1]))]
            print("ready", flush=True)
            while True:
                time.sleep(3600)
            """;

    private final Criu criu;
    private final int repetitions;

    private CheckpointBenchmark(Criu criu, int repetitions) {
        this.criu = criu;
        this.repetitions = repetitions;
    }

    public static void main(String[] args) throws Exception {
        int repetitions = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Criu criu = Criu.locate();
        CheckpointBenchmark bench = new CheckpointBenchmark(criu, repetitions);
        System.out.printf("CRIU %s at %s; %d cores, kernel %s; images on tmpfs; median of %d runs%n%n",
                criu.version(), criu.binary(), Runtime.getRuntime().availableProcessors(),
                criu.fingerprint().kernel(), repetitions);
        System.out.println("| resident | dump: ours | dump: criu CLI | ours/CLI | restore: ours | restore: criu CLI | ours/CLI |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
        int[] sizes = args.length > 1
                ? java.util.Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {64, 256, 1024};
        for (int mib : sizes) {
            bench.measure(mib);
        }
    }

    private void measure(int mib) throws Exception {
        List<Double> ourDump = new ArrayList<>();
        List<Double> cliDump = new ArrayList<>();
        List<Double> ourRestore = new ArrayList<>();
        List<Double> cliRestore = new ArrayList<>();
        for (int i = 0; i < repetitions; i++) {
            // Who goes first alternates, so neither side always meets a warmer or colder machine.
            boolean oursFirst = i % 2 == 0;
            double[] first = roundTrip(mib, !oursFirst);
            double[] second = roundTrip(mib, oursFirst);
            double[] ours = oursFirst ? first : second;
            double[] cli = oursFirst ? second : first;
            ourDump.add(ours[0]);
            ourRestore.add(ours[1]);
            cliDump.add(cli[0]);
            cliRestore.add(cli[1]);
        }
        double od = median(ourDump);
        double cd = median(cliDump);
        double or = median(ourRestore);
        double cr = median(cliRestore);
        System.out.println(String.format(Locale.ROOT, "| %d MiB | %.3f s | %.3f s | %.2f | %.3f s | %.3f s | %.2f |",
                mib, od, cd, od / cd, or, cr, or / cr));
    }

    /** Seconds to dump, then to restore, one job of {@code mib} MiB. */
    private double[] roundTrip(int mib, boolean viaCli) throws Exception {
        Path dir = Files.createTempDirectory(SCRATCH, "ssi-bench-");
        try (ShimJob job = ShimJob.start("python3", "-c", MEMORY_JOB, Integer.toString(mib))) {
            job.awaitLines(1);
            Path images = dir.resolve("img");
            Path work = dir.resolve("work");
            Files.createDirectories(images);
            Files.createDirectories(work);
            long t0 = System.nanoTime();
            if (viaCli) {
                runCli(List.of("dump", "-t", Integer.toString(job.root()), "-D", images.toString(),
                        "-W", work.toString(), "-o", "dump.log", "-v2"), Map.of());
            } else {
                criu.dump(DumpSpec.of(job.root(), images, work));
            }
            long t1 = System.nanoTime();
            job.reapLauncher();
            double restore = viaCli ? cliRestore(job, images, work) : ourRestore(job, images, work);
            return new double[] {(t1 - t0) / 1e9, restore};
        } finally {
            ScratchDir.deleteTree(dir);
        }
    }

    private double ourRestore(ShimJob job, Path images, Path work) throws Exception {
        long t0 = System.nanoTime();
        RestoredTree tree = job.restoreFrom(criu, RestoreSpec.of(images, work));
        double seconds = (System.nanoTime() - t0) / 1e9;
        tree.kill();
        return seconds;
    }

    /** The CLI with the same work: restored as our sibling, stdio re-attached, then detached. */
    private double cliRestore(ShimJob job, Path images, Path work) throws Exception {
        try (Pipe in = Pipe.open(); Pipe out = Pipe.open()) {
            Path pidFile = work.resolve("restored.pid");
            long t0 = System.nanoTime();
            runCli(List.of("restore", "-D", images.toString(), "-W", work.toString(), "-o", "restore.log", "-v2",
                    "-d", "--restore-sibling", "--manage-cgroups=ignore", "--pidfile", pidFile.toString(),
                    "--inherit-fd", "fd[10]:" + job.stdoutKey(), "--inherit-fd", "fd[11]:" + job.stdinKey()),
                    Map.of(10, out.writeFd(), 11, in.readFd()));
            double seconds = (System.nanoTime() - t0) / 1e9;
            Processes.killAndReap(Integer.parseInt(Files.readString(pidFile).strip()));
            return seconds;
        }
    }

    private void runCli(List<String> args, Map<Integer, Integer> inheritedFds) throws Exception {
        List<String> argv = new ArrayList<>(List.of(criu.binary().toString()));
        argv.addAll(args);
        Spawn spawn = Spawn.of(argv);
        inheritedFds.forEach(spawn::fd);
        var status = Processes.waitFor(spawn.start());
        if (status.shellCode() != 0) {
            throw new IllegalStateException("criu " + args.get(0) + " " + status);
        }
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
