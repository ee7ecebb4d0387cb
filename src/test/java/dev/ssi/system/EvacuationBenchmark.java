package dev.ssi.system;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ssi.checkpoint.Criu;
import dev.ssi.cli.ControlClient;
import dev.ssi.daemon.balance.LinkRate;
import dev.ssi.daemon.control.ControlFrame.Payload;
import dev.ssi.daemon.control.ControlFrame.Type;
import dev.ssi.pool.LocalPool;
import dev.ssi.pool.PoolDaemons;
import dev.ssi.pool.PoolNode;
import dev.ssi.pool.PoolSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Issue 6's benchmark: how fast a reclaimed host is empty. On a local pool of the workstation
 * and three hosts (balancing off, so that only the evacuation moves jobs), N memory jobs are
 * started with ssi-run on the workstation and moved to h1 with {@code ssi migrate}; then h1's
 * owner takes it back ({@code ssi drain}, sent over h1's control socket as the command sends it)
 * and the clock runs until the workstation's {@code ssi ps} shows none of them on h1 any more.
 * Next to it, in the same run and on h1: plain {@code criu dump} + {@code criu restore} on tmpfs
 * of N such jobs one after the other (criu-round-trip.sh). Each job checks its memory when it
 * ends, after the evacuation; a job lost or changed fails the run. On the raw veth, then on
 * links shaped to 1 Gbit/s. Prints a Markdown table of medians.
 * Run: {@code scripts/bench-evacuation.sh [--repetitions N] [--mib M] [--raw-only] [--pool-dir DIR] [JOBS...]}.
 */
@Command(name = "bench-evacuation", mixinStandardHelpOptions = true,
        description = "Time from ssi drain on a host to its last guest gone, next to plain criu dump + restore "
                + "of the same jobs on tmpfs.")
public final class EvacuationBenchmark implements Callable<Integer> {
    private static final LinkRate LAN = BenchScratch.LAN;
    private static final int HOSTS = 3;
    private static final String RECLAIMED = "h1";
    private static final long POLL_MILLIS = 50;
    private static final long EVACUATION_DEADLINE_SECONDS = 600;

    @Option(names = "--repetitions", paramLabel = "N", description = "Runs of each case; medians are shown "
            + "(default: ${DEFAULT-VALUE}).")
    int repetitions = 1;

    @Option(names = "--mib", paramLabel = "M", description = "Resident memory of each job in MiB "
            + "(default: ${DEFAULT-VALUE}).")
    int mib = 256;

    @Option(names = "--raw-only", description = "Skip the cases on links shaped to 1 Gbit/s.")
    boolean rawOnly;

    @Option(names = "--pool-dir", paramLabel = "DIR", description = "The pool's directory, made and removed "
            + "here (default: in a scratch directory on /dev/shm).")
    Path poolDir;

    @Parameters(paramLabel = "JOBS", description = "How many guests h1 has when it is reclaimed (default: 1 4 8).")
    List<Integer> jobCounts = List.of(1, 4, 8);

    @Spec
    CommandSpec spec;

    private Criu criu;
    private Path scratch;
    private int cases;
    private final List<Process> running = new CopyOnWriteArrayList<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new EvacuationBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (repetitions < 1) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--repetitions': "
                    + repetitions + " (at least 1)");
        }
        if (mib < 1) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--mib': " + mib
                    + " (at least 1)");
        }
        if (jobCounts.stream().anyMatch(n -> n < 1 || n > 64)) {
            throw new ParameterException(spec.commandLine(), "Invalid value for JOBS: " + jobCounts
                    + " (each 1..64)");
        }
        criu = Criu.locate();
        String loadBefore;
        List<Row> rows = new ArrayList<>();
        try (BenchScratch bench = BenchScratch.make("ssi-bench-evacuation-")) {
            scratch = bench.dir();
            Path poolDir = this.poolDir != null ? this.poolDir : scratch.resolve("pool");
            bench.onInterrupt(() -> {
                running.forEach(Process::destroyForcibly);
                LocalPool.down(poolDir);
            });
            loadBefore = loadAverage();
            rows.addAll(cases(poolDir, Optional.empty(), "raw veth"));
            if (!rawOnly) {
                rows.addAll(cases(poolDir, Optional.of(LAN), LAN + " (tc tbf)"));
            }
        }
        printTable(rows, loadBefore, loadAverage());
        return 0;
    }

    /** Every case on one pool whose links are shaped to {@code link} (raw when empty). */
    private List<Row> cases(Path poolDir, Optional<LinkRate> link, String linkName) throws Exception {
        int places = jobCounts.stream().mapToInt(Integer::intValue).max().orElseThrow();
        // Balancing off: only the evacuation moves jobs (it runs whether balancing is on or not).
        Map<String, String> settings = Map.of("balance.enabled", "false", "balance.start-placement", "false",
                "guests.max", Integer.toString(places));
        List<Row> rows = new ArrayList<>();
        try (SystemPool pool = SystemPool.up(poolDir, new PoolSpec(HOSTS, 1, link), settings)) {
            try {
                measure(pool, linkName, rows);
            } finally {
                keepLogs(pool, link.map(LinkRate::toString).orElse("raw"));
            }
        }
        return rows;
    }

    /** Each case of {@code jobs} on {@code pool}, its medians added to {@code rows}. */
    private void measure(SystemPool pool, String linkName, List<Row> rows) throws Exception {
        CriuRoundTrip roundTrip = new CriuRoundTrip(criu, pool, scratch);
        for (int jobs : jobCounts) {
            List<Double> evacuations = new ArrayList<>();
            List<CriuRoundTrip.Seconds> baselines = new ArrayList<>();
            Map<String, Integer> wentTo = Map.of();
            for (int i = 0; i < repetitions; i++) {
                Measured measured = evacuation(pool, roundTrip, jobs);
                evacuations.add(measured.evacuationSeconds());
                baselines.add(measured.baseline());
                wentTo = measured.wentTo();
                System.err.printf(Locale.ROOT, "bench-evacuation: %s, %d job(s): evacuated in %.3f s, "
                                + "baseline %.3f s, to %s%n", linkName, jobs, measured.evacuationSeconds(),
                        measured.baseline().total(), measured.wentTo());
            }
            rows.add(new Row(linkName, jobs, BenchScratch.median(evacuations),
                    BenchScratch.median(baselines.stream().map(CriuRoundTrip.Seconds::dump).toList()),
                    BenchScratch.median(baselines.stream().map(CriuRoundTrip.Seconds::restore).toList()),
                    BenchScratch.median(baselines.stream().map(CriuRoundTrip.Seconds::total).toList()), wentTo));
        }
    }

    private record Measured(double evacuationSeconds, CriuRoundTrip.Seconds baseline, Map<String, Integer> wentTo) {}

    /**
     * One case: {@code jobs} guests put on h1, the baseline of as many round trips on h1, then
     * h1 drained and timed until it has no guest left; every job then ends and is checked, and
     * h1 is undrained for the next case.
     */
    private Measured evacuation(SystemPool pool, CriuRoundTrip roundTrip, int jobs) throws Exception {
        Path gate = scratch.resolve("go-" + ++cases);
        List<Guest> guests = new ArrayList<>();
        try {
            for (int i = 0; i < jobs; i++) {
                guests.add(Guest.start(pool, gate, mib, running));
            }
            List<String> ids = awaitJobs(pool, gate, jobs);
            for (String id : ids) {
                String where = pool.migrate(id, RECLAIMED).path("where").asText();
                if (!where.equals(RECLAIMED)) {
                    throw new IllegalStateException("ssi migrate " + id + " " + RECLAIMED + " left it on " + where);
                }
            }
            double dump = 0;
            double restore = 0;
            for (int i = 0; i < jobs; i++) {
                CriuRoundTrip.Seconds one = roundTrip.of(RECLAIMED, mib);
                dump += one.dump();
                restore += one.restore();
            }
            ControlClient reclaimed = new ControlClient(PoolDaemons.node(pool.local(), RECLAIMED).socket());
            long start = System.nanoTime();
            reclaimed.ask(Type.DRAIN, new Payload().u32(1));
            Map<String, Integer> wentTo = awaitGone(pool, ids, start);
            double seconds = (System.nanoTime() - start) / 1e9;
            Files.createFile(gate);
            for (Guest guest : guests) {
                guest.finish();
            }
            reclaimed.ask(Type.DRAIN, new Payload().u32(0));
            awaitOpen(reclaimed);
            return new Measured(seconds, new CriuRoundTrip.Seconds(dump, restore), wentTo);
        } finally {
            for (Guest guest : guests) {
                guest.close();
            }
        }
    }

    /** The ids of this case's jobs, once the workstation's ssi ps lists all of them. */
    private static List<String> awaitJobs(SystemPool pool, Path gate, int jobs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            List<String> ids = new ArrayList<>();
            for (JsonNode row : pool.ps()) {
                if (row.path("command").asText().endsWith(" " + gate)) {
                    ids.add(row.path("job").asText());
                }
            }
            if (ids.size() == jobs) {
                return ids;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("ssi ps lists " + ids.size() + " of the " + jobs + " jobs started");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Polls the workstation's ssi ps until none of {@code ids} runs on h1; says how many went where. */
    private static Map<String, Integer> awaitGone(SystemPool pool, List<String> ids, long startNanos) throws Exception {
        long deadline = startNanos + TimeUnit.SECONDS.toNanos(EVACUATION_DEADLINE_SECONDS);
        while (true) {
            Map<String, Integer> where = new TreeMap<>();
            for (JsonNode row : pool.ps()) {
                if (ids.contains(row.path("job").asText())) {
                    where.merge(row.path("where").asText(), 1, Integer::sum);
                }
            }
            if (where.values().stream().mapToInt(Integer::intValue).sum() != ids.size()) {
                throw new IllegalStateException("jobs are missing from ssi ps during the evacuation: " + where);
            }
            if (!where.containsKey(RECLAIMED)) {
                return where;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(where.get(RECLAIMED) + " job(s) still on " + RECLAIMED + " "
                        + EVACUATION_DEADLINE_SECONDS + " s after the drain");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Until the undrained host says it takes guests again. */
    private static void awaitOpen(ControlClient host) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            for (JsonNode row : host.ask(Type.NODES, new Payload())) {
                if (row.path("self").asBoolean() && row.path("mode").asText().equals("open")) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(RECLAIMED + " does not take guests again a minute after undrain");
            }
            Thread.sleep(200);
        }
    }

    /** A memory job started through ssi-run on the workstation; it ends, checking its memory, when the gate appears. */
    private static final class Guest implements AutoCloseable {
        private final Process run;
        private final ProcessOutput output;
        private final List<Process> running;

        private Guest(Process run, ProcessOutput output, List<Process> running) {
            this.run = run;
            this.output = output;
            this.running = running;
        }

        static Guest start(SystemPool pool, Path gate, int mib, List<Process> running) throws Exception {
            Process run = pool.ssiRun(gate.getParent(), List.of("python3",
                    CriuRoundTrip.resource("memory-job.py").toString(), Integer.toString(mib), gate.toString()));
            running.add(run);
            Guest guest = new Guest(run, ProcessOutput.of(run.getInputStream()), running);
            try {
                guest.output.awaitLines(2);
            } catch (Exception | AssertionError e) {
                guest.close();
                throw e;
            }
            return guest;
        }

        /** Waits for the job's end: exit status 0, and its memory's digest the same as when it started. */
        void finish() throws Exception {
            String out = new String(output.all(), StandardCharsets.UTF_8);
            if (!run.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a job did not end a minute after its gate opened: " + out);
            }
            List<String> lines = out.lines().toList();
            if (run.exitValue() != 0 || lines.size() != 3 || !lines.get(0).equals("ready")
                    || !lines.get(1).startsWith("sha256 ") || !lines.get(1).equals(lines.get(2))) {
                throw new IllegalStateException("a job ended wrong after the evacuation (exit " + run.exitValue()
                        + "): " + out);
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (run.isAlive()) {
                run.destroy();
                if (!run.waitFor(30, TimeUnit.SECONDS)) {
                    run.destroyForcibly();
                }
            }
            running.remove(run);
        }
    }

    /** Keeps each node's ssid log in src/test/target/evacuation-logs/LINK (the last run's): where the time went. */
    private static void keepLogs(SystemPool pool, String link) {
        Path logs = Path.of(System.getProperty("ssi.root", ".."), "src", "test", "target", "evacuation-logs", link);
        try {
            Files.createDirectories(logs);
            for (PoolNode node : PoolDaemons.nodes(pool.local())) {
                Files.copy(node.log(), logs.resolve(node.name() + ".log"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("bench-evacuation: cannot keep the pool's logs in " + logs + ": " + e.getMessage());
        }
    }

    private record Row(String link, int jobs, double evacuation, double dump, double restore, double baseline,
                       Map<String, Integer> wentTo) {}

    private void printTable(List<Row> rows, String loadBefore, String loadAfter) throws Exception {
        String model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown CPU");
        System.out.printf(Locale.ROOT, "%d cores (%s), kernel %s, %s %s, CRIU %s; a local pool of %d hosts of 1 core "
                        + "each and the workstation; jobs of %d MiB; baseline images on tmpfs; %s; load average "
                        + "(1, 5, 15 min) %s before, %s after%n%n",
                Runtime.getRuntime().availableProcessors(), model, criu.fingerprint().kernel(),
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"), criu.version(),
                HOSTS, mib, repetitions == 1 ? "one run each" : "median of " + repetitions + " runs", loadBefore,
                loadAfter);
        System.out.println("Evacuation of h1: from `ssi drain` on h1 to the last guest gone, next to plain criu dump + "
                + "criu restore of as many jobs one after the other on tmpfs on h1 (goal: 8 jobs in under 2 × dump + "
                + "restore)");
        System.out.println();
        System.out.println("| link | jobs | evacuation | baseline dump + restore | ratio | baseline dump | "
                + "baseline restore | went to (last run) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---|");
        for (Row row : rows) {
            System.out.printf(Locale.ROOT, "| %s | %d × %d MiB | %.2f s | %.2f s | %.2f | %.2f s | %.2f s | %s |%n",
                    row.link(), row.jobs(), mib, row.evacuation(), row.baseline(), row.evacuation() / row.baseline(),
                    row.dump(), row.restore(), wentTo(row.wentTo()));
        }
    }

    private static String wentTo(Map<String, Integer> counts) {
        List<String> parts = new ArrayList<>();
        counts.forEach((node, count) -> parts.add(node + " " + count));
        return String.join(", ", parts);
    }

    private static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }
}
