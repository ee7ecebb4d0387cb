package dev.ssi.system.balance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssi.daemon.LoopbackNodes;
import dev.ssi.daemon.control.ControlFrame;
import dev.ssi.pool.LocalPool;
import dev.ssi.pool.PoolDaemons;
import dev.ssi.pool.PoolHost;
import dev.ssi.pool.PoolSpec;
import dev.ssi.daemon.journal.Directories;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A local pool for balancing runs: the workstation and N hosts with the same CPU quota (the
 * workstation's ssid is capped like a host's, so that all nodes are equal), a real ssid on each
 * with balancing on, jobs started with the real ssi-run, and {@code ssi ps} asked over the
 * control socket directly (a JVM per question would cost more CPU than the pool has). Closing it
 * takes the pool down, whatever happened.
 */
final class BalancingPool implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path work;
    private final LocalPool pool;

    private BalancingPool(Path work, LocalPool pool) {
        this.work = work;
        this.pool = pool;
    }

    static BalancingPool up(int hosts, double cpusEach, Map<String, String> settings) throws IOException {
        Path work = Files.createTempDirectory("ssi-balance-");
        Path dir = work.resolve("pool");
        try {
            LocalPool pool = LocalPool.up(dir, new PoolSpec(hosts, cpusEach, Optional.empty(), Optional.of(cpusEach)));
            PoolDaemons.start(pool, settings);
            return new BalancingPool(work, pool);
        } catch (RuntimeException e) {
            LocalPool.down(dir);
            Directories.deleteTree(work);
            throw e;
        }
    }

    LocalPool pool() {
        return pool;
    }

    Path work() {
        return work;
    }

    List<String> hosts() {
        return pool.hosts().stream().map(PoolHost::name).toList();
    }

    /** {@code command} started through the real ssi-run on the workstation, in the pool's work directory. */
    Process ssiRun(List<String> command) throws IOException {
        List<String> argv = new ArrayList<>(List.of(LoopbackNodes.BIN.resolve("ssi-run").toString(), "--socket",
                socket().toString()));
        argv.addAll(command);
        return new ProcessBuilder(argv).directory(work.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** {@code command} as a plain process on the workstation (its cgroup, its quota), not an ssi job. */
    Process onWorkstation(List<String> command) throws IOException {
        return new ProcessBuilder(pool.commandOnWorkstation(command)).directory(work.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** {@code command} as a plain process on {@code host} (its namespace, its cgroup), not an ssi job: its owner's. */
    Process onHost(String host, List<String> command) throws IOException {
        return new ProcessBuilder(pool.commandIn(host, command)).directory(work.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** The workstation's {@code ssi ps --json}. */
    JsonNode ps() throws IOException {
        return ask(ControlFrame.Type.PS);
    }

    /** The workstation's {@code ssi nodes --json}. */
    JsonNode nodes() throws IOException {
        return ask(ControlFrame.Type.NODES);
    }

    /** The lines ssid logged on {@code node} ("ws", "h1", ...) that say a job moved or stayed. */
    List<String> moveLog(String node) throws IOException {
        return Files.readAllLines(PoolDaemons.node(pool, node).log()).stream()
                .filter(line -> line.startsWith("INFO: moved ") || line.contains(" stays on ")).toList();
    }

    private JsonNode ask(ControlFrame.Type type) throws IOException {
        return ask(LocalPool.WORKSTATION, type, new ControlFrame.Payload());
    }

    /** Asks the ssid of {@code node} ("ws", "h1", ...) over its control socket, as {@code ssi} does. */
    JsonNode ask(String node, ControlFrame.Type type, ControlFrame.Payload request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(PoolDaemons.node(pool, node).socket()));
            ControlFrame.of(type, request).writeTo(new DataOutputStream(Channels.newOutputStream(channel)));
            ControlFrame answer = ControlFrame.read(new DataInputStream(Channels.newInputStream(channel)));
            if (answer == null || answer.type() != ControlFrame.Type.REPLY) {
                throw new IOException("ssid did not answer " + type + ": " + (answer == null ? "closed" : answer.reader().string()));
            }
            return JSON.readTree(answer.reader().string());
        }
    }

    private Path socket() {
        return PoolDaemons.node(pool, LocalPool.WORKSTATION).socket();
    }

    /** Takes the pool down, keeping each ssid's log in target/balance-logs (the last run's). */
    @Override
    public void close() {
        try {
            keepLogs();
        } finally {
            try {
                LocalPool.down(pool.dir());
            } finally {
                Directories.deleteTree(work);
            }
        }
    }

    private void keepLogs() {
        Path logs = Path.of(System.getProperty("ssi.root", ".."), "src", "test", "target", "balance-logs");
        try {
            Files.createDirectories(logs);
            for (String node : nodeNames()) {
                Files.copy(PoolDaemons.node(pool, node).log(), logs.resolve(node + ".log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("cannot keep the pool's logs in " + logs + ": " + e.getMessage());
        }
    }

    private List<String> nodeNames() {
        List<String> names = new ArrayList<>(List.of(LocalPool.WORKSTATION));
        names.addAll(hosts());
        return names;
    }
}
