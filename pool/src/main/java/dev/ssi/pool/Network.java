package dev.ssi.pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A pool's network: one bridge in the root namespace holding the workstation's address, and per
 * host a network namespace joined to the bridge by a veth pair, with its own address and lo up
 * (CRIU will not start in a namespace whose lo is down).
 */
final class Network {
    private static final Path NAMESPACES = Path.of("/run/netns");
    private static final Path LINKS = Path.of("/sys/class/net");

    private Network() {}

    static Path namespacePath(String namespace) {
        return NAMESPACES.resolve(namespace);
    }

    static void createBridge(PoolNames names) {
        Commands.run("ip", "link", "add", names.bridge(), "type", "bridge");
        Commands.run("ip", "addr", "add", names.workstationAddress() + "/" + PoolNames.PREFIX_LENGTH,
                "dev", names.bridge());
        Commands.run("ip", "link", "set", names.bridge(), "up");
    }

    static void createHost(PoolNames names, int host) {
        String namespace = names.namespace(host);
        Commands.run("ip", "netns", "add", namespace);
        // The host's end is made inside its namespace, so no stray name ever appears in the root one.
        Commands.run("ip", "link", "add", names.veth(host), "type", "veth",
                "peer", "name", PoolNames.HOST_DEVICE, "netns", namespace);
        Commands.run("ip", "link", "set", names.veth(host), "master", names.bridge(), "up");
        Commands.run(Commands.inNamespace(namespace, "ip", "addr", "add",
                names.hostAddress(host) + "/" + PoolNames.PREFIX_LENGTH, "dev", PoolNames.HOST_DEVICE));
        Commands.run(Commands.inNamespace(namespace, "ip", "link", "set", PoolNames.HOST_DEVICE, "up"));
        Commands.run(Commands.inNamespace(namespace, "ip", "link", "set", "lo", "up"));
    }

    /** Whether the host's namespace exists and its link to the bridge is up at both ends. */
    static boolean isUp(PoolNames names, int host) {
        Path operstate = LINKS.resolve(names.veth(host)).resolve("operstate");
        try {
            return Files.exists(namespacePath(names.namespace(host)))
                    && Files.exists(operstate) && Files.readString(operstate).strip().equals("up");
        } catch (IOException e) {
            return false;
        }
    }

    /** This pool's namespaces that exist now, whether or not any record of them survived. */
    static List<String> namespacesOf(PoolNames names) {
        return Arrays.stream(Commands.run("ip", "netns", "list").split("\n"))
                .map(line -> line.split(" ", 2)[0])
                .filter(names::ownsNamespace)
                .sorted()
                .toList();
    }

    /** This pool's links in the root namespace that exist now: the bridge and the veths' root ends. */
    static List<String> linksOf(PoolNames names) {
        try (var entries = Files.list(LINKS)) {
            return entries.map(path -> path.getFileName().toString()).filter(names::ownsLink).sorted().toList();
        } catch (IOException e) {
            throw new PoolException("cannot list " + LINKS + ": " + e.getMessage(), e);
        }
    }

    /** Whether anything of the pool with this number exists, or its subnet is taken here. */
    static boolean isTaken(PoolNames names) {
        return !namespacesOf(names).isEmpty() || !linksOf(names).isEmpty()
                || Commands.run("ip", "-o", "-4", "addr", "show").contains(" " + names.subnetPrefix());
    }

    /** Pids of every process in the namespace, whichever cgroup it is in. */
    static Set<Long> processesIn(String namespace) {
        return Arrays.stream(Commands.run("ip", "netns", "pids", namespace).split("\\s+"))
                .filter(pid -> !pid.isEmpty())
                .map(Long::valueOf)
                .collect(Collectors.toSet());
    }

    /**
     * Removes the pool's veths, namespaces and bridge, in that order: deleting a veth removes both
     * ends at once, while a deleted namespace takes its devices with it only later.
     */
    static void remove(PoolNames names) {
        for (String link : linksOf(names)) {
            if (!link.equals(names.bridge())) {
                Commands.run("ip", "link", "del", link);
            }
        }
        for (String namespace : namespacesOf(names)) {
            Commands.run("ip", "netns", "del", namespace);
        }
        if (Files.exists(LINKS.resolve(names.bridge()))) {
            Commands.run("ip", "link", "del", names.bridge());
        }
    }
}
