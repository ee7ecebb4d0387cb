package dev.ssi.scheduler.sim;

import dev.ssi.scheduler.gossip.GossipConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The scheduler benchmark: every policy on the same trace at each pool load, the goals,
 * and gossip staleness against pool size. Writes results.md and slowdown.png to the output folder.
 *
 * <p>Usage: {@code Benchmark [--nodes N] [--arrival SECONDS] [--loads 0.4,0.6,0.8]
 * [--staleness 10,100,1000,10000] [--threads T] [--out DIR]}
 */
public final class Benchmark {
    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        long started = System.nanoTime();
        StringBuilder report = new StringBuilder();
        report.append(machine()).append('\n');
        SimConfig example = SimConfig.benchmark(options.loads[0]).withNodes(options.nodes)
                .withArrivalSeconds(options.arrivalSeconds);
        report.append(parameters(example)).append('\n');
        print(report.toString());

        List<Outcome> outcomes = runAll(options);
        List<Goals> goals = new ArrayList<>();
        for (double load : options.loads) {
            goals.add(Goals.of(outcomes.stream().filter(o -> o.load() == load).toList()));
        }
        String results = "## Policies on the same trace\n\n" + Tables.outcomes(outcomes)
                + "\n## The issue's goals\n\n" + Tables.goals(goals);
        print(results);
        report.append(results);

        List<StalenessStudy.Row> rows = new ArrayList<>();
        for (int nodes : options.stalenessSizes) {
            rows.add(StalenessStudy.measure(nodes, GossipConfig.defaults(), example.seed()));
        }
        String staleness = "\n## Gossip staleness against pool size (" + describe(GossipConfig.defaults()) + ")\n\n"
                + Tables.staleness(rows);
        print(staleness);
        report.append(staleness);

        Files.createDirectories(options.out);
        SlowdownPlot.write(outcomes, options.out.resolve("slowdown.png"));
        Files.writeString(options.out.resolve("results.md"), report.toString());
        print(String.format(Locale.ROOT, "%nwrote %s and %s in %.0f s%n", options.out.resolve("results.md"),
                options.out.resolve("slowdown.png"), (System.nanoTime() - started) / 1e9));
    }

    private static List<Outcome> runAll(Options options) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(options.threads);
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (double load : options.loads) {
                SimConfig config = SimConfig.benchmark(load).withNodes(options.nodes)
                        .withArrivalSeconds(options.arrivalSeconds);
                Trace trace = TraceGenerator.generate(config);
                print(String.format(Locale.ROOT, "load %.0f %%: %d jobs (%d longer than 100 s), %d owner changes%n",
                        load * 100, trace.arrivals().size(),
                        trace.arrivals().stream().filter(a -> a.work() > Outcome.LONG_JOB_SECONDS).count(),
                        trace.ownerChanges().size()));
                for (String policy : Policies.NAMES) {
                    futures.add(pool.submit(() -> Policies.run(policy, config, trace)));
                }
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> future : futures) {
                outcomes.add(future.get());
            }
            return outcomes;
        } finally {
            pool.shutdown();
        }
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (IOException e) {
            // not Linux: the CPU stays unnamed
        }
        return String.format(Locale.ROOT, "Machine: %s, %d cores, Java %s, heap %d MiB, %s %s%n", cpu,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("os.name"),
                ManagementFactory.getRuntimeMXBean().getVmName());
    }

    private static String parameters(SimConfig c) {
        return String.format(Locale.ROOT, """
                Pool: %d nodes, %.0f %% workstations (4 CPUs, speed 1.0, 16 GiB, owner always there, jobs \
                submitted here), the rest hosts (1/2/4 CPUs, speed 0.6-1.4, 8/16/32 GiB) whose owners are away \
                for a mean %.0f s and work for a mean %.0f s (guests then get %.1f CPU).
                Jobs: bursts of mean %.0f (geometric) at random workstations for %.0f s; lifetimes P(life > t) = 1/t \
                on [1, %.0f] s; memory log-uniform 16 MiB - 2 GiB. Slowdown = response time / work at speed 1.
                Moves: %.1f s + memory / min(dump %.0f MB/s, link %.0f MB/s) + memory / restore %.0f MB/s; \
                remote start %.2f s. Gossip: %s. Balancing every %.0f s. Seed %d.
                Policy: %s
                """, c.nodes(), c.workstationFraction() * 100, c.ownerAwayMeanSeconds(), c.ownerPresentMeanSeconds(),
                TraceGenerator.GUEST_CPUS_WHILE_OWNER_ACTIVE, c.meanBurst(), c.arrivalSeconds(), c.maxLifeSeconds(),
                c.transfer().fixedSeconds(), c.transfer().dumpBytesPerSecond() / 1e6,
                c.transfer().defaultLinkBytesPerSecond() / 1e6, c.transfer().restoreBytesPerSecond() / 1e6,
                c.policy().remoteStartSeconds(), describe(c.gossip()), c.balanceIntervalSeconds(), c.seed(), c.policy());
    }

    private static String describe(GossipConfig g) {
        return String.format(Locale.ROOT, "every %d ms to %d peer(s), %d entries per message, %d kept, suspect after %d s, "
                + "forgotten after %d s", g.intervalMillis(), g.fanout(), g.windowSize(), g.maxKnown(),
                g.suspectAfterMillis() / 1000, g.removeAfterMillis() / 1000);
    }

    private static synchronized void print(String text) {
        System.out.print(text);
        System.out.flush();
    }

    private record Options(int nodes, double arrivalSeconds, double[] loads, int[] stalenessSizes, int threads,
                           Path out) {
        static Options parse(String[] args) {
            int nodes = SimConfig.benchmark(0).nodes();
            double arrival = SimConfig.benchmark(0).arrivalSeconds();
            double[] loads = {0.4, 0.6, 0.8};
            int[] sizes = {10, 100, 1000, 10000};
            int threads = 2;
            Path out = Path.of("scheduler/target/bench");
            for (int i = 0; i + 1 < args.length; i += 2) {
                String value = args[i + 1];
                switch (args[i]) {
                    case "--nodes" -> nodes = Integer.parseInt(value);
                    case "--arrival" -> arrival = Double.parseDouble(value);
                    case "--loads" -> loads = Arrays.stream(value.split(",")).mapToDouble(Double::parseDouble).toArray();
                    case "--staleness" -> sizes = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
                    case "--threads" -> threads = Integer.parseInt(value);
                    case "--out" -> out = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (known: --nodes --arrival --loads --staleness --threads --out)");
                }
            }
            if (args.length % 2 != 0) {
                throw new IllegalArgumentException("option " + args[args.length - 1] + " needs a value");
            }
            return new Options(nodes, arrival, loads, sizes, threads, out);
        }
    }
}
