package dev.ssi.system;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ssi.cli.ControlClient;
import dev.ssi.daemon.control.ControlFrame.Payload;
import dev.ssi.daemon.control.ControlFrame.Type;
import dev.ssi.pool.LocalPool;
import dev.ssi.pool.PoolDaemons;
import dev.ssi.pool.PoolSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A local pool as a user meets it: hosts in their own network namespaces and cgroups plus the
 * workstation, a real ssid on each; jobs started with the real ssi-run against the
 * workstation, and moved with the real ssi command or through the control API that command
 * speaks. Closing it takes the pool down, whatever state it is in.
 */
final class SystemPool implements AutoCloseable {
    static final Path BIN = Path.of(System.getProperty("ssi.bin", "../native/target/bin"));

    private final Path dir;
    private final LocalPool pool;

    private SystemPool(Path dir, LocalPool pool) {
        this.dir = dir;
        this.pool = pool;
    }

    /** Makes the pool in {@code dir} and starts every node's ssid; on failure nothing is left. */
    static SystemPool up(Path dir, PoolSpec spec) {
        return up(dir, spec, Map.of());
    }

    /** The same, every ssid configured with {@code settings} too (e.g. balance.enabled=false). */
    static SystemPool up(Path dir, PoolSpec spec, Map<String, String> settings) {
        LocalPool pool = LocalPool.up(dir, spec);
        try {
            PoolDaemons.start(pool, settings);
        } catch (RuntimeException e) {
            LocalPool.down(dir);
            throw e;
        }
        return new SystemPool(dir, pool);
    }

    LocalPool local() {
        return pool;
    }

    Path workstationSocket() {
        return PoolDaemons.node(pool, LocalPool.WORKSTATION).socket();
    }

    record Cli(int exit, String out, String err) {}

    /** The real ssi command, in a JVM of its own, against the workstation's ssid. */
    Cli ssi(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.ssi.cli.SsiCommand"));
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().put("SSI_SOCKET", workstationSocket().toString());
        Process process = builder.start();
        ProcessOutput err = ProcessOutput.of(process.getErrorStream());
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Cli(process.waitFor(), out, new String(err.all(), StandardCharsets.UTF_8));
    }

    /** The real ssi-run, started in {@code directory}, against the workstation's ssid; its stderr is ours. */
    Process ssiRun(Path directory, List<String> command) throws IOException {
        return new ProcessBuilder(ssiRunLine(command)).directory(directory.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** The command line of ssi-run running {@code command} through the workstation's ssid. */
    List<String> ssiRunLine(List<String> command) {
        List<String> argv = new ArrayList<>(List.of(BIN.resolve("ssi-run").toString(), "--socket",
                workstationSocket().toString()));
        argv.addAll(command);
        return argv;
    }

    /** One request through the control API, as ssi sends it; ssid's refusal is an IOException saying why. */
    JsonNode ask(Type type, Payload request) throws IOException {
        return new ControlClient(workstationSocket()).ask(type, request);
    }

    /** Moves a job, as {@code ssi migrate JOB NODE} does; the answer reports the move's times and size. */
    JsonNode migrate(String job, String node) throws IOException {
        return ask(Type.MIGRATE, new Payload().string(job).string(node));
    }

    /** The jobs whose home is the workstation, as {@code ssi ps --json} lists them. */
    JsonNode ps() throws IOException {
        return ask(Type.PS, new Payload());
    }

    String whereRuns(String job) throws IOException {
        for (JsonNode row : ps()) {
            if (row.path("job").asText().equals(job)) {
                return row.path("where").asText();
            }
        }
        throw new AssertionError("ssi ps does not list " + job);
    }

    /** The one job whose home is the workstation, once ssi ps lists it. */
    String awaitJob() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            JsonNode jobs = ps();
            if (jobs.size() == 1) {
                return jobs.get(0).path("job").asText();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no job appeared in ssi ps");
    }

    /** How many processes run in the host's cgroup. */
    int processesIn(String host) {
        return pool.status().stream().filter(status -> status.host().name().equals(host)).findFirst().orElseThrow()
                .processes();
    }

    @Override
    public void close() {
        LocalPool.down(dir);
    }
}
