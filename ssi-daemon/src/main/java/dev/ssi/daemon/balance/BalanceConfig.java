package dev.ssi.daemon.balance;

import dev.ssi.daemon.config.Settings;
import dev.ssi.daemon.balance.LinkRate;
import dev.ssi.scheduler.MigrationPolicy;
import dev.ssi.scheduler.gossip.GossipConfig;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Properties;
import java.util.Set;

/**
 * How a node measures its load, gossips it, and balances the pool: ssid's keys for it, with
 * their defaults (the migration tunables' defaults are those the simulator was tuned with,
 * {@code scheduler/BENCHMARK.md}):
 * <pre>
 * balance.enabled          move jobs automatically (gossip runs either way)           true
 * balance.interval         time between balancing rounds                              2s
 * balance.start-placement  a job just started here may move at once to a node where
 *                          it would finish sooner (MOSIX's mosrun -b), by migration    true
 * balance.link-rate        link speed assumed until a move to that node measured it  1gbit
 * balance.cpu-bound        least share of an interval a job must want the CPU to move 0.5
 * balance.gain-over-cost   seconds saved must be this many times the seconds frozen   2
 * balance.min-speedup      the destination must run the job (1 + this) times faster   0.25
 * balance.min-residence    a moved job stays at least this long                        10s
 * balance.max-migrations   the most times one job is moved by the scheduler           4
 * gossip.interval          time between gossip rounds (each measures the load)        1s
 * gossip.fanout            peers sent to per round                                    2
 * gossip.window            entries per message: own vector and the freshest known     16
 * gossip.max-known         entries kept                                               256
 * gossip.suspect-after     a node silent this long gets no work                        15s
 * gossip.forget-after      a node silent this long is forgotten                        60s
 * load.scope               what stands for this machine: machine, or cgroup (the
 *                          cgroup ssid runs in, as a local pool's host)               machine
 * cpu.speed                this node's CPU speed relative to the reference CPU, or
 *                          calibrate (a quarter of a CPU second at start)            1
 * advertise                ip:port where peers reach this node, gossiped so that new
 *                          nodes are learned: listen's address, or where listen is a
 *                          wildcard this machine's first non-loopback IPv4 address
 * </pre>
 * and the reclaim keys of {@link ReclaimConfig}. Durations are written {@code 500ms}, {@code 2s} or {@code 1m}.
 */
public record BalanceConfig(boolean enabled, Duration interval, boolean startPlacement, double linkBytesPerSecond,
        MigrationPolicy policy, GossipConfig gossip, String loadScope, OptionalDouble cpuSpeed,
        Optional<InetSocketAddress> advertise, ReclaimConfig reclaim) {

    public static final Set<String> KEYS = union(ReclaimConfig.KEYS, Set.of("balance.enabled", "balance.interval", "balance.start-placement",
            "balance.link-rate", "balance.cpu-bound", "balance.gain-over-cost", "balance.min-speedup",
            "balance.min-residence", "balance.max-migrations", "gossip.interval", "gossip.fanout", "gossip.window",
            "gossip.max-known", "gossip.suspect-after", "gossip.forget-after", "load.scope", "cpu.speed", "advertise"));

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    /** Reads the keys above from {@code properties}; {@code listen} is where ssid listens for peers. */
    public static BalanceConfig read(Properties properties, InetSocketAddress listen) {
        Settings s = new Settings(properties);
        MigrationPolicy d = MigrationPolicy.defaults();
        MigrationPolicy policy = new MigrationPolicy(s.number("balance.cpu-bound", d.cpuBoundFraction(), 0, 1),
                s.number("balance.gain-over-cost", d.gainOverCost(), 0, 1000),
                s.number("balance.min-speedup", d.minSpeedup(), 0, 1000),
                s.duration("balance.min-residence", d.minResidenceMillis() + "ms").toMillis(),
                s.count("balance.max-migrations", d.maxMigrationsPerJob(), 0), d.maxInfoAgeMillis(),
                d.memoryLowWatermark(), d.newJobWorkSeconds(), d.remoteStartSeconds(), d.choices());
        GossipConfig g = GossipConfig.defaults();
        long suspect = s.duration("gossip.suspect-after", g.suspectAfterMillis() + "ms").toMillis();
        long forget = s.duration("gossip.forget-after", g.removeAfterMillis() + "ms").toMillis();
        if (forget < suspect) {
            throw Settings.bad("gossip.forget-after", forget + "ms", "at least gossip.suspect-after (" + suspect + "ms)");
        }
        int window = s.count("gossip.window", g.windowSize(), 1);
        GossipConfig gossip = new GossipConfig(s.duration("gossip.interval", g.intervalMillis() + "ms").toMillis(),
                s.count("gossip.fanout", g.fanout(), 1), window, s.count("gossip.max-known", g.maxKnown(), window),
                suspect, forget);
        String scope = s.text("load.scope", "machine");
        if (!scope.equals("machine") && !scope.equals("cgroup")) {
            throw Settings.bad("load.scope", scope, "machine or cgroup");
        }
        String speed = s.text("cpu.speed", "1");
        OptionalDouble cpuSpeed = speed.equals("calibrate") ? OptionalDouble.empty()
                : OptionalDouble.of(s.number("cpu.speed", 1, 0.001, 1000));
        return new BalanceConfig(s.flag("balance.enabled", true), s.duration("balance.interval", "2s"),
                s.flag("balance.start-placement", true), linkRate(s), policy, gossip, scope, cpuSpeed,
                advertise(s, listen), ReclaimConfig.read(properties));
    }

    private static double linkRate(Settings s) {
        String value = s.text("balance.link-rate", "1gbit");
        try {
            return LinkRate.parse(value).bitsPerSecond() / 8.0;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'balance.link-rate': " + e.getMessage(), e);
        }
    }

    private static Optional<InetSocketAddress> advertise(Settings s, InetSocketAddress listen) {
        if (s.has("advertise")) {
            String value = s.text("advertise", "");
            int colon = value.lastIndexOf(':');
            try {
                String host = value.substring(0, Math.max(0, colon)).replaceAll("^\\[|\\]$", "");
                int port = Integer.parseInt(value.substring(colon + 1));
                if (!host.isEmpty() && port >= 1 && port <= 65_535) {
                    return Optional.of(new InetSocketAddress(InetAddress.getByName(host), port));
                }
            } catch (UnknownHostException | NumberFormatException e) {
                // Said below.
            }
            throw Settings.bad("advertise", value, "host:port of this node");
        }
        if (listen.getAddress() != null && !listen.getAddress().isAnyLocalAddress()) {
            return Optional.of(listen);
        }
        return firstNonLoopbackIpv4().map(ip -> new InetSocketAddress(ip, listen.getPort()));
    }

    private static Optional<InetAddress> firstNonLoopbackIpv4() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nic.isUp() && !nic.isLoopback()) {
                    for (InetAddress ip : Collections.list(nic.getInetAddresses())) {
                        if (ip instanceof Inet4Address && !ip.isLinkLocalAddress()) {
                            return Optional.of(ip);
                        }
                    }
                }
            }
        } catch (SocketException e) {
            // No interfaces to ask: advertise nothing; peers then know this node from their configuration.
        }
        return Optional.empty();
    }
}
