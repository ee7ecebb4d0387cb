package dev.ssi.pool;

import dev.ssi.daemon.balance.LinkRate;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One host of a local pool, as its {@code ssid} will see it: its name ({@code h1}), its address
 * on the pool's subnet, its network namespace, its cgroup (as /proc/PID/cgroup names it), the
 * cores its CPU quota stands for, its link's speed (unshaped when empty) and its state directory.
 */
public record PoolHost(String name, String address, String namespace, String cgroup, double cpus,
        Optional<LinkRate> link, Path stateDir) {}
