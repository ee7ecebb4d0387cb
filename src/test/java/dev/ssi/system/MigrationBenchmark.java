package dev.ssi.system;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ssi.checkpoint.Criu;
import dev.ssi.daemon.balance.LinkRate;
import dev.ssi.daemon.control.ControlFrame.Payload;
import dev.ssi.daemon.control.ControlFrame.Type;
import dev.ssi.pool.LocalPool;
import dev.ssi.pool.PoolSpec;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Issue 4's benchmark, in one run on a local pool of three hosts: what ssi-run adds to the
 * wall time of {@code true} and of {@code sleep 1}; then jobs of 64 MiB, 256 MiB and 1 GiB
 * resident memory moved between two hosts, h1 and h2, next to plain {@code criu dump} and
 * {@code criu restore} of the same job on tmpfs on host h1 (criu-round-trip.sh), alternating, so
 * that both meet the same machine;
 * then the same moves again on links shaped to 1 Gbit/s. Prints Markdown tables of medians.
 * Run: {@code scripts/bench-migration.sh [--runs N] [--cpus-per-host C] [MIB...]}.
 */
@Command(name = "bench-migration", mixinStandardHelpOptions = true,
        description = "ssi-run's launch overhead, and migrations between two hosts of a local pool next to "
                + "plain criu dump + restore on tmpfs.")
public final class MigrationBenchmark implements Callable<Integer> {
    private static final LinkRate LAN = BenchScratch.LAN;
    private static final int HOSTS = 3;

    @Option(names = "--runs", paramLabel = "N", description = "Runs of each measurement; medians are shown "
            + "(default: ${DEFAULT-VALUE}).")
    int runs = 5;

    @Option(names = "--cpus-per-host", paramLabel = "C", description = "Cores each host stands for "
            + "(default: ${DEFAULT-VALUE}, as ssi pool up).")
    double cpusPerHost = 1;

    @Option(names = "--raw-only", description = "Skip the moves on links shaped to 1 Gbit/s.")
    boolean rawOnly;

    @Parameters(paramLabel = "MIB", description = "Resident sizes of the jobs moved (default: 64 256 1024).")
    List<Integer> sizes = List.of(64, 256, 1024);

    @Spec
    CommandSpec spec;

    private Criu criu;
    private Path scratch;

    public static void main(String[] args) {
        System.exit(new CommandLine(new MigrationBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (runs < 1) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--runs': " + runs
                    + " (at least 1)");
        }
        if (sizes.stream().anyMatch(mib -> mib < 1)) {
            throw new ParameterException(spec.commandLine(), "Invalid value for MIB: " + sizes + " (each at least 1)");
        }
        criu = Criu.locate();
        try (BenchScratch bench = BenchScratch.make("ssi-bench-migration-")) {
            scratch = bench.dir();
            Path poolDir = scratch.resolve("pool");
            bench.onInterrupt(() -> LocalPool.down(poolDir));
            printMachine();
            try (SystemPool pool = SystemPool.up(poolDir, new PoolSpec(HOSTS, cpusPerHost, Optional.empty()))) {
                launchOverhead(pool);
                migrations(pool, "raw veth");
            }
            if (!rawOnly) {
                try (SystemPool pool = SystemPool.up(poolDir, new PoolSpec(HOSTS, cpusPerHost, Optional.of(LAN)))) {
                    migrations(pool, "links shaped to " + LAN + " (tc tbf)");
                }
            }
        }
        return 0;
    }

    private void printMachine() throws Exception {
        String model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown CPU");
        System.out.printf(Locale.ROOT, "%d cores (%s), kernel %s, %s %s, CRIU %s; a local pool of %d hosts of %s "
                        + "core(s) each and the workstation; images on tmpfs; median of %d runs%n%n",
                Runtime.getRuntime().availableProcessors(), model, criu.fingerprint().kernel(),
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"), criu.version(),
                HOSTS, format(cpusPerHost), runs);
    }

    /** Wall time of a command run directly and through ssi-run, alternating who goes first. */
    private void launchOverhead(SystemPool pool) throws Exception {
        System.out.println("| command | run directly | through ssi-run | added by ssi-run (goal ≤ 20 ms) |");
        System.out.println("|---|---:|---:|---:|");
        for (List<String> command : List.of(List.of("true"), List.of("sleep", "1"))) {
            wallSeconds(pool.ssiRunLine(command));
            List<Double> direct = new ArrayList<>();
            List<Double> through = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                if (i % 2 == 0) {
                    direct.add(wallSeconds(command));
                }
                through.add(wallSeconds(pool.ssiRunLine(command)));
                if (i % 2 != 0) {
                    direct.add(wallSeconds(command));
                }
            }
            double plain = BenchScratch.median(direct);
            double ssi = BenchScratch.median(through);
            System.out.printf(Locale.ROOT, "| `%s` | %.1f ms | %.1f ms | %.1f ms |%n", String.join(" ", command),
                    plain * 1e3, ssi * 1e3, (ssi - plain) * 1e3);
        }
        System.out.println();
    }

    private double wallSeconds(List<String> argv) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(argv).directory(scratch.toFile()).redirectOutput(Redirect.DISCARD)
                .redirectError(Redirect.INHERIT);
        long start = System.nanoTime();
        int status = builder.start().waitFor();
        long end = System.nanoTime();
        if (status != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " exited with status " + status);
        }
        return (end - start) / 1e9;
    }

    private void migrations(SystemPool pool, String link) throws Exception {
        System.out.println("Moves h1 ⇄ h2 on " + link + ", next to criu dump + criu restore of the same job on tmpfs"
                + " (goal on the raw link: total ≤ 1.3 × dump + restore)");
        System.out.println();
        System.out.println("| resident | image | migration: total | migration: frozen | criu dump | criu restore "
                + "| dump + restore | total / (dump + restore) |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
        CriuRoundTrip roundTrip = new CriuRoundTrip(criu, pool, scratch);
        for (int mib : sizes) {
            List<Double> totals = new ArrayList<>();
            List<Double> frozen = new ArrayList<>();
            List<Double> dumps = new ArrayList<>();
            List<Double> restores = new ArrayList<>();
            List<Double> baselines = new ArrayList<>();
            long imageBytes = 0;
            try (MovingJob job = MovingJob.start(pool, scratch, mib)) {
                for (int i = 0; i < runs; i++) {
                    // On h1, as the migration's source runs there.
                    CriuRoundTrip.Seconds baseline = i % 2 == 0 ? roundTrip.of("h1", mib) : null;
                    JsonNode moved = job.moveOn();
                    baseline = baseline == null ? roundTrip.of("h1", mib) : baseline;
                    totals.add(moved.path("total_ms").asDouble() / 1e3);
                    frozen.add(moved.path("frozen_ms").asDouble() / 1e3);
                    imageBytes = moved.path("image_bytes").asLong();
                    dumps.add(baseline.dump());
                    restores.add(baseline.restore());
                    baselines.add(baseline.total());
                }
            }
            double total = BenchScratch.median(totals);
            double base = BenchScratch.median(baselines);
            System.out.printf(Locale.ROOT, "| %d MiB | %.1f MB | %.3f s | %.3f s | %.3f s | %.3f s | %.3f s | %.2f |%n",
                    mib, imageBytes / 1e6, total, BenchScratch.median(frozen), BenchScratch.median(dumps), BenchScratch.median(restores), base, total / base);
        }
        System.out.println();
    }

    /** A memory job started through ssi-run and moved to h1, then back and forth between h1 and h2. */
    private static final class MovingJob implements AutoCloseable {
        private final SystemPool pool;
        private final Process run;
        private final String id;
        private String where;

        private MovingJob(SystemPool pool, Process run, String id, String where) {
            this.pool = pool;
            this.run = run;
            this.id = id;
            this.where = where;
        }

        static MovingJob start(SystemPool pool, Path directory, int mib) throws Exception {
            Process run = pool.ssiRun(directory, List.of("python3", CriuRoundTrip.resource("memory-job.py").toString(),
                    Integer.toString(mib)));
            try {
                ProcessOutput.of(run.getInputStream()).awaitLines(1);
                String id = pool.awaitJob();
                pool.migrate(id, "h1");
                return new MovingJob(pool, run, id, "h1");
            } catch (Exception | AssertionError e) {
                run.destroyForcibly();
                throw e;
            }
        }

        /** Moves the job to the other host; the answer has the move's times and image size. */
        JsonNode moveOn() throws IOException {
            String to = where.equals("h1") ? "h2" : "h1";
            JsonNode moved = pool.migrate(id, to);
            where = to;
            return moved;
        }

        @Override
        public void close() throws Exception {
            pool.ask(Type.KILL, new Payload().string(id));
            if (!run.waitFor(30, TimeUnit.SECONDS)) {
                run.destroyForcibly();
            }
        }
    }

    private static String format(double cores) {
        return cores == Math.rint(cores) ? Long.toString((long) cores) : Double.toString(cores);
    }
}
