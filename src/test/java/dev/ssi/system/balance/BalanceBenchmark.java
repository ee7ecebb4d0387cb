package dev.ssi.system.balance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Issue 5's benchmark in the local pool: a workstation and three hosts of equal CPU quotas
 * (0.4 core each, so that the four use 1.6 of this machine's 2 cores), eight CPU-bound jobs
 * started at once with ssi-run on the workstation, against the same eight run as plain
 * processes on the workstation alone, in the same run; then seven jobs, and once the pool has
 * settled, one host's quota halved: how soon it sheds work. Prints a Markdown table.
 *
 * <p>Other work on this machine competes with the pool; unless {@code --unfavoured}, the pool's
 * cgroup gets the highest CPU weight ({@link dev.ssi.pool.LocalPool#favour()}), so that
 * each node gets its quota, and the table says how many cores the pool got during each run.
 *
 * <p>{@code scripts/bench-balance.sh [--iterations N] [--halving-iterations N] [--cpus C] [--unfavoured]}
 */
public final class BalanceBenchmark {
    private static final Pattern FROZEN = Pattern.compile("frozen ([0-9]+) ms");

    private BalanceBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        long iterations = Long.parseLong(options.getOrDefault("--iterations", "200000000"));
        long halving = Long.parseLong(options.getOrDefault("--halving-iterations", "200000000"));
        double cpus = Double.parseDouble(options.getOrDefault("--cpus", "0.4"));
        boolean favoured = !options.containsKey("--unfavoured");
        StringBuilder report = new StringBuilder();
        report.append(String.format("machine: %d cores, load average %s before; pool: 1 workstation + 3 hosts of %.2f "
                + "core each (%.1f cores in all), %s%n%n", Runtime.getRuntime().availableProcessors(), loadAverage(), cpus,
                4 * cpus, favoured ? "the pool's cgroup favoured over the machine's other work"
                        : "the pool's cgroup at the default CPU weight"));
        try (BalancingPool pool = BalancingPool.up(3, cpus, Map.of())) {
            if (favoured) {
                pool.pool().favour();
            }
            Run spread = runWithSsi(pool, 8, new CpuJob(iterations));
            String shedding = halving(pool, new CpuJob(halving), cpus);
            // Last: the workstation's ssid counts these plain processes as its owner's load for a while after.
            Run alone = runAlone(pool, 8, new CpuJob(iterations));
            report.append("| run | jobs | work per job | makespan (s) | speed-up | moves | frozen per move (ms, mean / max) "
                    + "| nodes that ran jobs | cores the pool got | load average after |\n"
                    + "|---|---:|---|---:|---:|---:|---|---|---:|---|\n");
            report.append(row("all on the workstation alone (plain processes, baseline)", alone, alone, iterations));
            report.append(row("ssi-run, the pool balancing itself", spread, alone, iterations));
            report.append(String.format("%nspeed-up %.2f x (goal >= 3 x, ideal %.0f x); moves seen (s after the start): %s%n%n",
                    alone.seconds() / spread.seconds(), 4.0, spread.timeline()));
            report.append(shedding);
        }
        report.append(String.format("%nload average after: %s%n", loadAverage()));
        System.out.print(report);
        Path out = Path.of(System.getProperty("ssi.root", "."), "src", "test", "target", "bench-balance.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString(), StandardCharsets.UTF_8);
        System.out.println("written to " + out);
    }

    private record Run(double seconds, int moves, List<Long> frozenMillis, Set<String> nodes, double cores, String load,
            String timeline) {}

    private static Run runWithSsi(BalancingPool pool, int count, CpuJob job) throws Exception {
        int logged = pool.moveLog("ws").size();
        try (Placements placements = Placements.watch(pool)) {
            double cpuBefore = cpuSeconds(pool);
            long start = System.nanoTime();
            List<Process> runs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                runs.add(pool.ssiRun(job.command()));
            }
            awaitRight(runs, job);
            double seconds = (System.nanoTime() - start) / 1e9;
            List<Long> frozen = new ArrayList<>();
            for (String node : nodes(pool)) {
                List<String> lines = pool.moveLog(node);
                for (String line : node.equals("ws") ? lines.subList(logged, lines.size()) : lines) {
                    Matcher m = FROZEN.matcher(line);
                    if (m.find()) {
                        frozen.add(Long.parseLong(m.group(1)));
                    }
                }
            }
            Set<String> used = placements.seenOn().values().stream().flatMap(Set::stream)
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
            return new Run(seconds, placements.moves().size(), frozen, used, (cpuSeconds(pool) - cpuBefore) / seconds,
                    loadAverage(), timeline(placements.moves(), start));
        }
    }

    private static Run runAlone(BalancingPool pool, int count, CpuJob job) throws Exception {
        double cpuBefore = cpuSeconds(pool);
        long start = System.nanoTime();
        List<Process> runs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            runs.add(pool.onWorkstation(job.command()));
        }
        awaitRight(runs, job);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Run(seconds, 0, List.of(), Set.of("ws"), (cpuSeconds(pool) - cpuBefore) / seconds, loadAverage(), "");
    }

    private static String halving(BalancingPool pool, CpuJob job, double cpus) throws Exception {
        try (Placements placements = Placements.watch(pool)) {
            long start = System.nanoTime();
            List<Process> runs = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                runs.add(pool.ssiRun(job.command()));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while ((placements.where().size() != 7 || placements.moves().isEmpty()
                    || placements.quietNanos() < TimeUnit.SECONDS.toNanos(8)) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            Map<String, String> before = placements.where();
            String busiest = pool.hosts().stream()
                    .max((a, b) -> Long.compare(count(before, a), count(before, b))).orElseThrow();
            int movesBefore = placements.moves().size();
            long halvedAt = System.nanoTime();
            pool.pool().setCpus(busiest, cpus / 2);
            awaitRight(runs, job);
            List<Placements.Move> after = placements.moves().subList(movesBefore, placements.moves().size());
            List<Placements.Move> shed = after.stream().filter(move -> move.from().equals(busiest)).toList();
            String firstShed = shed.isEmpty() ? "never"
                    : String.format("%.1f s", (shed.get(0).atNanos() - halvedAt) / 1e9);
            return String.format("""
                    | 7 jobs settled as | halved | its jobs then | jobs it sent away | first one left after | other moves after \
                    | makespan (s) |
                    |---|---|---:|---:|---|---:|---:|
                    | %s | %s: %.2f -> %.2f core | %d | %d | %s | %d | %.1f |

                    moves seen (s after the halving): %s
                    """, new TreeMap<>(before), busiest, cpus, cpus / 2, count(before, busiest), shed.size(), firstShed,
                    after.size() - shed.size(), (System.nanoTime() - start) / 1e9, timeline(after, halvedAt));
        }
    }

    /** Waits for every run to end, and checks each exited 0 having printed the right sum. */
    private static void awaitRight(List<Process> runs, CpuJob job) throws Exception {
        for (Process run : runs) {
            String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (run.waitFor() != 0 || !out.equals(job.expectedOutput())) {
                throw new IllegalStateException("a job printed '" + out.strip() + "' and exited " + run.exitValue()
                        + ", not " + job.expectedOutput().strip() + " and 0");
            }
        }
    }

    private static String row(String name, Run run, Run baseline, long iterations) {
        String frozen = run.frozenMillis().isEmpty() ? "-" : String.format("%.0f / %d",
                run.frozenMillis().stream().mapToLong(Long::longValue).average().orElse(0),
                run.frozenMillis().stream().mapToLong(Long::longValue).max().orElse(0));
        return String.format("| %s | 8 | %,d mawk steps | %.1f | %.2f x | %d | %s | %s | %.2f | %s |%n", name, iterations,
                run.seconds(), baseline.seconds() / run.seconds(), run.moves(), frozen, String.join(" ", run.nodes()),
                run.cores(), run.load());
    }

    private static List<String> nodes(BalancingPool pool) {
        List<String> nodes = new ArrayList<>(List.of("ws"));
        nodes.addAll(pool.hosts());
        return nodes;
    }

    private static String timeline(List<Placements.Move> moves, long sinceNanos) {
        return moves.stream().map(m -> String.format("%.1f %s %s->%s", (m.atNanos() - sinceNanos) / 1e9, m.job(), m.from(),
                m.to())).collect(Collectors.joining(", "));
    }

    /** CPU time used so far in every node's cgroup. */
    private static double cpuSeconds(BalancingPool pool) {
        return nodes(pool).stream().mapToDouble(node -> pool.pool().cpuUsage(node).toNanos() / 1e9).sum();
    }

    private static long count(Map<String, String> where, String node) {
        return where.values().stream().filter(node::equals).count();
    }

    private static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--unfavoured")) {
                options.put(args[i], "");
                continue;
            }
            if (!Set.of("--iterations", "--halving-iterations", "--cpus").contains(args[i]) || i + 1 == args.length) {
                throw new IllegalArgumentException("unknown option or missing value: " + args[i]
                        + " (known: --iterations N, --halving-iterations N, --cpus C, --unfavoured)");
            }
            options.put(args[i], args[++i]);
        }
        return options;
    }
}
