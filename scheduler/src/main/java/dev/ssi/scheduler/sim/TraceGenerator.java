package dev.ssi.scheduler.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/** Draws a {@link Trace} from a {@link SimConfig}; the same config always gives the same trace. */
public final class TraceGenerator {
    static final double GUEST_CPUS_WHILE_OWNER_ACTIVE = 0.1;
    private static final double[] HOST_SPEEDS = {0.6, 0.8, 1.0, 1.2, 1.4};
    private static final int[] HOST_CPUS = {1, 2, 4};
    private static final long[] HOST_MEMORY_GIB = {8, 16, 32};
    private static final long MIN_JOB_MEMORY = 16L << 20;
    private static final long MAX_JOB_MEMORY = 2L << 30;

    private TraceGenerator() {
    }

    public static Trace generate(SimConfig config) {
        SplittableRandom random = new SplittableRandom(config.seed());
        List<Trace.Node> nodes = nodes(config, random);
        List<Trace.OwnerChange> owners = ownerChanges(config, nodes, random.split());
        List<Trace.Arrival> arrivals = arrivals(config, nodes, random.split());
        return new Trace(nodes, arrivals, owners, GUEST_CPUS_WHILE_OWNER_ACTIVE);
    }

    /** Mean CPU (reference seconds per second) that the pool offers to ssi jobs. */
    public static double meanCapacity(SimConfig config, List<Trace.Node> nodes) {
        double present = config.ownerPresentFraction();
        double capacity = 0;
        for (Trace.Node node : nodes) {
            capacity += node.workstation()
                    ? node.cpus() * node.speed()
                    : node.speed() * ((1 - present) * node.cpus() + present * GUEST_CPUS_WHILE_OWNER_ACTIVE);
        }
        return capacity;
    }

    /** Mean of the bounded Pareto lifetime with P(life &gt; t) = 1/t on [1, max]. */
    public static double meanLife(double max) {
        return Math.log(max) / (1 - 1 / max);
    }

    static double lifetime(SplittableRandom random, double max) {
        return 1 / (1 - random.nextDouble() * (1 - 1 / max));
    }

    private static List<Trace.Node> nodes(SimConfig config, SplittableRandom random) {
        int workstations = Math.max(1, (int) Math.round(config.nodes() * config.workstationFraction()));
        List<Trace.Node> nodes = new ArrayList<>();
        for (int i = 0; i < config.nodes(); i++) {
            nodes.add(i < workstations
                    ? new Trace.Node(i, true, 4, 1.0, 16L << 30)
                    : new Trace.Node(i, false, HOST_CPUS[random.nextInt(HOST_CPUS.length)],
                            HOST_SPEEDS[random.nextInt(HOST_SPEEDS.length)],
                            HOST_MEMORY_GIB[random.nextInt(HOST_MEMORY_GIB.length)] << 30));
        }
        return nodes;
    }

    private static List<Trace.OwnerChange> ownerChanges(SimConfig config, List<Trace.Node> nodes,
                                                        SplittableRandom random) {
        List<Trace.OwnerChange> changes = new ArrayList<>();
        double end = config.arrivalSeconds() + 20 * config.maxLifeSeconds();
        for (Trace.Node node : nodes) {
            if (node.workstation()) {
                continue;
            }
            boolean present = random.nextDouble() < config.ownerPresentFraction();
            if (present) {
                changes.add(new Trace.OwnerChange(0, node.index(), true));
            }
            double t = 0;
            while (t < end) {
                t += exponential(random, present ? config.ownerPresentMeanSeconds() : config.ownerAwayMeanSeconds());
                present = !present;
                changes.add(new Trace.OwnerChange(t, node.index(), present));
            }
        }
        changes.sort(Comparator.comparingDouble(Trace.OwnerChange::time));
        return changes;
    }

    private static List<Trace.Arrival> arrivals(SimConfig config, List<Trace.Node> nodes, SplittableRandom random) {
        List<Trace.Node> workstations = nodes.stream().filter(Trace.Node::workstation).toList();
        double jobsPerSecond = config.load() * meanCapacity(config, nodes) / meanLife(config.maxLifeSeconds());
        double burstsPerSecond = jobsPerSecond / config.meanBurst();
        List<Trace.Arrival> arrivals = new ArrayList<>();
        double t = exponential(random, 1 / burstsPerSecond);
        while (t < config.arrivalSeconds()) {
            int home = workstations.get(random.nextInt(workstations.size())).index();
            int size = geometric(random, config.meanBurst());
            for (int i = 0; i < size; i++) {
                double memoryFactor = Math.pow((double) MAX_JOB_MEMORY / MIN_JOB_MEMORY, random.nextDouble());
                arrivals.add(new Trace.Arrival(arrivals.size(), t, home,
                        lifetime(random, config.maxLifeSeconds()), (long) (MIN_JOB_MEMORY * memoryFactor)));
            }
            t += exponential(random, 1 / burstsPerSecond);
        }
        return arrivals;
    }

    private static double exponential(SplittableRandom random, double mean) {
        return -mean * Math.log(1 - random.nextDouble());
    }

    private static int geometric(SplittableRandom random, double mean) {
        double p = 1 / mean;
        return 1 + (int) (Math.log(1 - random.nextDouble()) / Math.log(1 - p));
    }
}
