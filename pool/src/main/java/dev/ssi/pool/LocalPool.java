package dev.ssi.pool;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A pool in a box: N hosts on this one machine, each a network namespace joined to a bridge in
 * the root namespace (where the workstation has the pool's first address), with its own
 * address, its own cgroup whose CPU quota stands for its cores, its own state directory, and
 * optionally a link shaped to a LAN's speed. The workstation has a cgroup too, uncapped unless
 * given a quota, so that what runs there for the pool is found again. {@link #down(Path)} removes every trace, also of
 * a pool whose maker crashed half-way.
 */
public final class LocalPool {
    /** Where a pool lives unless told otherwise: with /run/netns, it goes at reboot as its namespaces do. */
    public static final Path DEFAULT_DIR = Path.of("/run/ssi/pool");
    /** The workstation's name among the pool's nodes. */
    public static final String WORKSTATION = "ws";
    static final String HOSTS_DIR = "hosts";

    private final Path dir;
    private final PoolState state;
    private final Cgroups cgroups;

    private LocalPool(Path dir, PoolState state, Cgroups cgroups) {
        this.dir = dir;
        this.state = state;
        this.cgroups = cgroups;
    }

    /**
     * Makes a pool in {@code dir} (created if need be). If anything fails, what was made is
     * removed again before the error is thrown.
     */
    public static LocalPool up(Path dir, PoolSpec spec) {
        Path poolDir = dir.toAbsolutePath().normalize();
        Optional<PoolNames> existing = open(poolDir).map(pool -> pool.state.names())
                .or(() -> PoolRegistry.claimsOf(poolDir).stream().findFirst());
        if (existing.isPresent()) {
            throw new PoolException("pool " + existing.get().id() + " is already in " + poolDir
                    + "; take it down first (ssi-pool down --pool-dir " + poolDir + ")");
        }
        Cgroups cgroups = Cgroups.detect();
        PoolNames names = PoolRegistry.claim(poolDir, candidate -> Network.isTaken(candidate)
                || cgroups.poolDirs(candidate.cgroup()).stream().anyMatch(Files::exists));
        LocalPool pool = new LocalPool(poolDir, new PoolState(names, spec, false), cgroups);
        try {
            pool.make();
        } catch (RuntimeException e) {
            try {
                down(poolDir);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return open(poolDir).orElseThrow();
    }

    /** The pool in {@code dir}, if there is one; a half-made one too ({@link #complete()} says). */
    public static Optional<LocalPool> open(Path dir) {
        Path poolDir = dir.toAbsolutePath().normalize();
        return PoolState.read(poolDir).map(state -> new LocalPool(poolDir, state, Cgroups.detect()));
    }

    /**
     * Removes the pool of {@code dir}: its processes, cgroups, namespaces, veths, bridge, state
     * directories and state file. Finds the pool by its state file or, if that is gone, by its
     * claim; nothing there is fine. Returns the ids of the pools taken down.
     */
    public static List<String> down(Path dir) {
        Path poolDir = dir.toAbsolutePath().normalize();
        Set<PoolNames> pools = new LinkedHashSet<>(PoolRegistry.claimsOf(poolDir));
        try {
            PoolState.read(poolDir).ifPresent(state -> pools.add(state.names()));
        } catch (PoolException unreadable) {
            // A torn state file: the claim still names the pool, and the sweep removes the file.
        }
        PoolDaemons.stop(poolDir);
        for (PoolNames names : pools) {
            remove(names);
        }
        PoolDaemons.removeGuestsCgroups(poolDir);
        removeFiles(poolDir);
        pools.forEach(PoolRegistry::release);
        return pools.stream().map(PoolNames::id).toList();
    }

    /** Removes every trace of the pool with this id, e.g. when its directory is gone. */
    public static void downById(String id) {
        PoolNames names = PoolNames.ofId(id);
        Optional<Path> dir = PoolRegistry.dirOf(names);
        dir.ifPresent(PoolDaemons::stop);
        remove(names);
        dir.ifPresent(PoolDaemons::removeGuestsCgroups);
        dir.ifPresent(LocalPool::removeFiles);
        PoolRegistry.release(names);
    }

    /** Removes this pool; the same as {@code down(dir())}. */
    public void down() {
        down(dir);
    }

    public String id() {
        return state.names().id();
    }

    public Path dir() {
        return dir;
    }

    public PoolSpec spec() {
        return state.spec();
    }

    /** Whether the pool was made to the end; a half-made one is only fit to be taken down. */
    public boolean complete() {
        return state.complete();
    }

    /** The workstation's address on the pool's subnet, on the bridge. */
    public String workstationAddress() {
        return state.names().workstationAddress();
    }

    public String bridge() {
        return state.names().bridge();
    }

    /** The workstation's directory in the pool (its ssid's state, identity and socket). */
    public Path workstationDir() {
        return dir.resolve(WORKSTATION);
    }

    public List<PoolHost> hosts() {
        return IntStream.rangeClosed(1, state.spec().hosts()).mapToObj(this::host).toList();
    }

    /** The host of this name, or an error that names it and the hosts there are. */
    public PoolHost host(String name) {
        return host(indexOf(name));
    }

    /**
     * The command line that runs {@code command} in the host: in its network namespace only (not
     * {@code ip netns exec}, whose private mount namespace lacks the cgroup mounts) and in its
     * cgroup, which the wrapper joins before it execs, so that nothing escapes the quota.
     */
    public List<String> commandIn(String host, List<String> command) {
        int index = indexOf(host);
        return joiningCgroup(PoolNames.hostName(index), state.names().namespace(index),
                "exec nsenter --net=" + quoted(Network.namespacePath(state.names().namespace(index))) + " -- \"$@\"",
                command);
    }

    /** The command line that runs {@code command} on the workstation: the root network namespace, the workstation's cgroup. */
    public List<String> commandOnWorkstation(List<String> command) {
        return joiningCgroup(WORKSTATION, WORKSTATION, "exec \"$@\"", command);
    }

    /** A ProcessBuilder for {@link #commandIn}; redirect its streams as you like. */
    public ProcessBuilder processIn(String host, List<String> command) {
        return new ProcessBuilder(commandIn(host, command));
    }

    private List<String> joiningCgroup(String node, String scriptName, String exec, List<String> command) {
        if (command.isEmpty()) {
            throw new PoolException("no command given to run in " + node);
        }
        StringBuilder script = new StringBuilder();
        for (Path dir : cgroups.hostDirs(state.names().cgroup(), node)) {
            script.append("echo $$ > ").append(quoted(dir.resolve("cgroup.procs"))).append(" && ");
        }
        script.append(exec);
        List<String> line = new ArrayList<>(List.of("sh", "-c", script.toString(), scriptName));
        line.addAll(command);
        return line;
    }

    /** The cores the workstation's cgroup stands for. */
    public double workstationCpus() {
        return state.spec().workstationCpus().orElse((double) Runtime.getRuntime().availableProcessors());
    }

    /**
     * Gives the host (or the workstation, {@value #WORKSTATION}) a new CPU quota at once, as
     * when its owner starts using part of it; what runs there keeps running, at the new pace.
     */
    public void setCpus(String node, double cpus) {
        PoolSpec.checkCpusPerHost(cpus);
        cgroups.setQuota(state.names().cgroup(), cgroupOf(node), cpus);
    }

    private String cgroupOf(String node) {
        return node.equals(WORKSTATION) ? WORKSTATION : PoolNames.hostName(indexOf(node));
    }

    /** CPU time used so far by everything that has run in the host's (or the workstation's) cgroup. */
    public Duration cpuUsage(String node) {
        return cgroups.cpuUsage(state.names().cgroup(), cgroupOf(node));
    }

    /**
     * Puts the whole pool first among what else runs on this machine: its nodes' quotas are then
     * what they get even when the machine is busy (a pool at the default weight competes as one
     * process, and shares one process's part among all its hosts). For benchmarks, which need
     * each host to really have its quota; the quotas still cap what the pool takes.
     */
    public void favour() {
        cgroups.favour(state.names().cgroup());
    }

    public List<HostStatus> status() {
        return IntStream.rangeClosed(1, state.spec().hosts())
                .mapToObj(index -> new HostStatus(host(index), Network.isUp(state.names(), index),
                        cgroups.processes(state.names().cgroup(), PoolNames.hostName(index)).size()))
                .toList();
    }

    private void make() {
        PoolNames names = state.names();
        createDirectory(dir);
        state.write(dir);
        Network.createBridge(names);
        cgroups.createPool(names.cgroup());
        // Unless given a quota, the whole machine's cores: uncapped, yet in a cgroup, so that down finds all that ran there.
        cgroups.createHost(names.cgroup(), WORKSTATION, workstationCpus());
        for (int index = 1; index <= state.spec().hosts(); index++) {
            PoolHost host = host(index);
            createDirectory(host.stateDir());
            Network.createHost(names, index);
            cgroups.createHost(names.cgroup(), host.name(), host.cpus());
            int shaped = index;
            host.link().ifPresent(rate -> LinkShaper.shape(names, shaped, rate));
        }
        new PoolState(names, state.spec(), true).write(dir);
    }

    private PoolHost host(int index) {
        PoolNames names = state.names();
        String name = PoolNames.hostName(index);
        return new PoolHost(name, names.hostAddress(index), names.namespace(index),
                Cgroups.path(names.cgroup(), name), state.spec().cpusPerHost(), state.spec().link(),
                dir.resolve(HOSTS_DIR).resolve(name));
    }

    private int indexOf(String name) {
        for (int index = 1; index <= state.spec().hosts(); index++) {
            if (PoolNames.hostName(index).equals(name)) {
                return index;
            }
        }
        throw new PoolException("no host '" + name + "' in pool " + id() + "; its hosts are "
                + hosts().stream().map(PoolHost::name).collect(Collectors.joining(", ")));
    }

    /**
     * Removes what the pool's names point at. Processes go first: a namespace that a process
     * still holds outlives {@code ip netns del}.
     */
    private static void remove(PoolNames names) {
        for (String namespace : Network.namespacesOf(names)) {
            Network.processesIn(namespace)
                    .forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
        Cgroups.detect().removePool(names.cgroup());
        Network.remove(names);
    }

    /** Removes the nodes' directories and the state file, and the pool directory if that leaves it empty. */
    private static void removeFiles(Path poolDir) {
        try {
            for (Path nodes : List.of(poolDir.resolve(HOSTS_DIR), poolDir.resolve(WORKSTATION))) {
                if (Files.exists(nodes)) {
                    try (Stream<Path> tree = Files.walk(nodes)) {
                        for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                            Files.delete(path);
                        }
                    }
                }
            }
            Files.deleteIfExists(poolDir.resolve(PoolState.FILE));
            Files.deleteIfExists(poolDir.resolve(PoolState.DRAFT));
            Files.deleteIfExists(poolDir);
        } catch (DirectoryNotEmptyException e) {
            // The directory holds files that are not the pool's: they stay, and so does it.
        } catch (IOException e) {
            throw new PoolException("cannot remove the pool's files in " + poolDir + ": " + e.getMessage(), e);
        }
    }

    private static void createDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new PoolException("cannot make " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String quoted(Path path) {
        return "'" + path.toString().replace("'", "'\\''") + "'";
    }
}
