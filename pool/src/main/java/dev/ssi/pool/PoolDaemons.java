package dev.ssi.pool;

import dev.ssi.daemon.confine.Confinement;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The ssid of every node of a local pool: the workstation's in the root network namespace, each
 * host's in its host's namespace and cgroup, so that the jobs it restores land there too. Each
 * runs detached, its output in its log, its pid in a pid file beside its configuration.
 */
public final class PoolDaemons {
    /** Where every node's ssid listens for its peers, on its own address. */
    public static final int PORT = 7420;
    private static final String AUTHORITY_DIR = "ca";
    /** Four JVMs starting at once on a two-core machine take a while. */
    private static final Duration START_DEADLINE = Duration.ofSeconds(90);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final long LOG_TAIL_LINES = 20;

    private PoolDaemons() {}

    /** The pool's nodes: the workstation first, then the hosts. */
    public static List<PoolNode> nodes(LocalPool pool) {
        List<PoolNode> nodes = new ArrayList<>();
        nodes.add(new PoolNode(LocalPool.WORKSTATION, new InetSocketAddress(pool.workstationAddress(), PORT),
                pool.workstationDir()));
        for (PoolHost host : pool.hosts()) {
            nodes.add(new PoolNode(host.name(), new InetSocketAddress(host.address(), PORT), host.stateDir()));
        }
        return nodes;
    }

    /** The node of this name, or an error that names it and the nodes there are. */
    public static PoolNode node(LocalPool pool, String name) {
        List<PoolNode> nodes = nodes(pool);
        return nodes.stream().filter(node -> node.name().equals(name)).findFirst()
                .orElseThrow(() -> new PoolException("no node '" + name + "' in pool " + pool.id() + "; its nodes are "
                        + nodes.stream().map(PoolNode::name).collect(Collectors.joining(", "))));
    }

    /**
     * Makes the pool's CA and a certificate and configuration per node, starts every node's
     * ssid and returns once each control socket answers. A daemon that dies or does not answer
     * is an error that quotes its log; the caller takes the pool down.
     */
    public static List<PoolNode> start(LocalPool pool) {
        return start(pool, Map.of());
    }

    /** As {@link #start(LocalPool)}, with these ssid settings (e.g. {@code balance.enabled=false}) on every node. */
    public static List<PoolNode> start(LocalPool pool, Map<String, String> settings) {
        List<PoolNode> nodes = nodes(pool);
        try {
            Files.createDirectories(pool.workstationDir());
        } catch (IOException e) {
            throw new PoolException("cannot make " + pool.workstationDir() + ": " + e.getMessage(), e);
        }
        PoolCertificates.issue(pool.id(), pool.workstationDir().resolve(AUTHORITY_DIR), nodes);
        PoolConfigs.write(pool.id(), nodes, settings);
        Map<PoolNode, Process> started = new LinkedHashMap<>();
        for (PoolNode node : nodes) {
            started.put(node, launch(pool, node, Map.of()));
        }
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        started.forEach((node, process) -> awaitAnswer(node, process, deadline));
        return nodes;
    }

    /**
     * Starts the ssid of one node again — after it crashed or was killed with
     * {@link #kill} — with {@code environment} added to its own, and returns once it answers.
     * It takes over the jobs its journal says it hosted.
     */
    public static void restart(LocalPool pool, String name, Map<String, String> environment) {
        PoolNode node = node(pool, name);
        if (running(node).isPresent()) {
            throw new PoolException("the ssid of " + name + " runs already (pid " + running(node).get().pid() + ")");
        }
        Process process = launch(pool, node, environment);
        awaitAnswer(node, process, System.nanoTime() + START_DEADLINE.toNanos());
    }

    /** Kills one node's ssid at once (SIGKILL), as a crash would; its jobs run on. */
    public static void kill(PoolNode node) {
        running(node).ifPresent(daemon -> {
            daemon.destroyForcibly();
            daemon.onExit().join();
        });
    }

    /** The node's ssid, if it runs. */
    public static Optional<ProcessHandle> running(PoolNode node) {
        return recorded(node.dir());
    }

    /**
     * Stops every ssid of the pool in this directory: SIGTERM, and SIGKILL for those still
     * there after a grace period. Finds them by their pid files, whatever else of the pool is
     * left; a pid that now belongs to another process is left alone.
     */
    public static void stop(Path poolDir) {
        List<ProcessHandle> daemons = nodeDirs(poolDir).stream().flatMap(dir -> recorded(dir).stream()).toList();
        daemons.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        while (daemons.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            pause();
        }
        daemons.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * Removes the guests' cgroups that ssids killed (not stopped) left behind; call it once every
     * process of the pool is gone.
     */
    public static void removeGuestsCgroups(Path poolDir) {
        for (Path dir : nodeDirs(poolDir)) {
            try {
                Confinement.removeLeftover(dir);
            } catch (IOException e) {
                throw new PoolException("cannot remove the guests' cgroup of " + dir.getFileName() + ": " + e.getMessage(), e);
            }
        }
    }

    private static Process launch(LocalPool pool, PoolNode node, Map<String, String> environment) {
        List<String> ssid = SsidCommandLine.of(node.config());
        List<String> command = node.name().equals(LocalPool.WORKSTATION)
                ? pool.commandOnWorkstation(ssid) : pool.commandIn(node.name(), ssid);
        try {
            // The shell, nsenter and setsid each exec the next: the pid is the JVM's.
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            Process process = builder
                    .redirectInput(Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(Redirect.appendTo(node.log().toFile()))
                    .redirectErrorStream(true)
                    .start();
            Files.writeString(node.pidFile(), process.pid() + "\n");
            return process;
        } catch (IOException e) {
            throw new PoolException("cannot start the ssid of " + node.name() + ": " + e.getMessage(), e);
        }
    }

    private static void awaitAnswer(PoolNode node, Process process, long deadline) {
        while (!answers(node.socket())) {
            if (!process.isAlive()) {
                throw new PoolException("the ssid of " + node.name() + " exited (status " + process.exitValue()
                        + ") before its control socket " + node.socket() + " answered; its log " + node.log()
                        + " ends:\n" + tail(node.log()));
            }
            if (System.nanoTime() > deadline) {
                throw new PoolException("the ssid of " + node.name() + " did not answer on " + node.socket()
                        + " within " + START_DEADLINE.toSeconds() + " s; its log " + node.log() + " ends:\n"
                        + tail(node.log()));
            }
            pause();
        }
    }

    private static boolean answers(Path socket) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return false;
        }
    }

    /** The workstation's directory and each host's, whether or not the state file survived. */
    private static List<Path> nodeDirs(Path poolDir) {
        List<Path> dirs = new ArrayList<>(List.of(poolDir.resolve(LocalPool.WORKSTATION)));
        try (Stream<Path> hosts = Files.list(poolDir.resolve(LocalPool.HOSTS_DIR))) {
            dirs.addAll(hosts.toList());
        } catch (NoSuchFileException e) {
            // No hosts' directories: no hosts' daemons.
        } catch (IOException e) {
            throw new PoolException("cannot list " + poolDir.resolve(LocalPool.HOSTS_DIR) + ": " + e.getMessage(), e);
        }
        return dirs;
    }

    private static Optional<ProcessHandle> recorded(Path nodeDir) {
        Path pidFile = nodeDir.resolve(PoolNode.PID_FILE);
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            return ProcessHandle.of(pid).filter(process -> SsidCommandLine.runs(process, nodeDir.resolve(PoolNode.CONFIG_FILE)));
        } catch (NoSuchFileException | NumberFormatException e) {
            // None, or torn by a crash while written: the cgroup sweep of down finds that daemon anyway.
            return Optional.empty();
        } catch (IOException e) {
            throw new PoolException("cannot read the pid file " + pidFile + ": " + e.getMessage(), e);
        }
    }

    private static String tail(Path log) {
        try (Stream<String> lines = Files.lines(log)) {
            List<String> all = lines.toList();
            return all.stream().skip(Math.max(0, all.size() - LOG_TAIL_LINES)).collect(Collectors.joining("\n"));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(cannot read it: " + e.getMessage() + ")";
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PoolException("interrupted while waiting for the pool's ssids");
        }
    }
}
