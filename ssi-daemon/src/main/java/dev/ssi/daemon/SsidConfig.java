package dev.ssi.daemon;

import dev.ssi.daemon.balance.BalanceConfig;
import dev.ssi.daemon.confine.GuestsConfig;
import dev.ssi.daemon.home.SpoolLimit;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * ssid's configuration: a Java properties file (the JDK's own parser). Keys and defaults:
 * <pre>
 * node.name        this node's id, as in its certificate          (required)
 * listen           host:port for peers                            0.0.0.0:7420
 * identity.dir     node.key, node.crt and pool.crt                 /etc/ssi
 * state.dir        images in flight, journal                       /var/lib/ssi
 * control.socket   the local clients' Unix socket                  /run/ssi/ssid.sock
 * control.admin-group  whose members may, as root, drain and set host terms  (none: root alone)
 * peers            name@host:port, comma-separated                 (none)
 * shim             ssi-init                                        native/target/bin/ssi-init under ssi.root
 * output.spool-max a job's output kept for an ssi-run behind it   64M (at least 2M)
 * </pre>
 * the keys of load measurement, gossip and balancing ({@code balance.*}, {@code gossip.*},
 * {@code load.scope}, {@code cpu.speed}, {@code advertise}) that {@link BalanceConfig} lists, and
 * the host owner's terms for guest jobs ({@code guests.*}) that {@link GuestsConfig} lists.
 * An unknown key or a bad value is an error that names the key.
 */
public record SsidConfig(String nodeName, InetSocketAddress listen, Path identityDir, Path stateDir,
        Path controlSocket, String adminGroup, Map<String, InetSocketAddress> peers, GuestsConfig guests, Path shim,
        BalanceConfig balance, SpoolLimit outputSpool) {

    private static final Set<String> KEYS = union(Set.of("node.name", "listen", "identity.dir", "state.dir",
            "control.socket", "control.admin-group", "peers", "shim", SpoolLimit.KEY), union(BalanceConfig.KEYS, GuestsConfig.KEYS));

    public static SsidConfig load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        for (String key : p.stringPropertyNames()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(file + ": unknown key '" + key + "' (known: " + KEYS + ")");
            }
        }
        String name = p.getProperty("node.name");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(file + ": 'node.name' is required");
        }
        Map<String, InetSocketAddress> peers = new LinkedHashMap<>();
        for (String peer : p.getProperty("peers", "").split(",")) {
            if (!peer.isBlank()) {
                String[] nameAndAddress = peer.strip().split("@", 2);
                if (nameAndAddress.length != 2) {
                    throw new IllegalArgumentException(file + ": 'peers' entry '" + peer + "' is not name@host:port");
                }
                peers.put(nameAndAddress[0], address("peers", nameAndAddress[1]));
            }
        }
        String root = System.getProperty("ssi.root", ".");
        InetSocketAddress listen = address("listen", p.getProperty("listen", "0.0.0.0:7420"));
        BalanceConfig balance;
        GuestsConfig guests;
        SpoolLimit outputSpool;
        try {
            balance = BalanceConfig.read(p, listen);
            guests = GuestsConfig.read(p);
            outputSpool = SpoolLimit.read(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        return new SsidConfig(name.strip(), listen,
                Path.of(p.getProperty("identity.dir", "/etc/ssi")), Path.of(p.getProperty("state.dir", "/var/lib/ssi")),
                Path.of(p.getProperty("control.socket", "/run/ssi/ssid.sock")),
                p.getProperty("control.admin-group", "").strip(), Map.copyOf(peers),
                guests,
                Path.of(p.getProperty("shim", root + "/native/target/bin/ssi-init")), balance, outputSpool);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.TreeSet<>(a);
        all.addAll(b);
        return java.util.Collections.unmodifiableSet(all);
    }

    private static InetSocketAddress address(String key, String value) {
        int colon = value.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("'" + key + "': '" + value + "' is not host:port");
        }
        return new InetSocketAddress(value.substring(0, colon), number(key, value.substring(colon + 1)));
    }

    private static int number(String key, String value) {
        try {
            int n = Integer.parseInt(value.strip());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "': '" + value + "' is not a non-negative number");
        }
    }
}
