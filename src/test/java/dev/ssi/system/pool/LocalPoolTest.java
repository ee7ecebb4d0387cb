package dev.ssi.system.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssi.daemon.balance.LinkRate;
import dev.ssi.pool.Commands;
import dev.ssi.pool.HostStatus;
import dev.ssi.pool.LocalPool;
import dev.ssi.pool.PoolCommand;
import dev.ssi.pool.PoolHost;
import dev.ssi.pool.PoolSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A pool of two hosts at half a core each on 100 Mbit/s links, made once for these checks. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalPoolTest {
    private Path dir;
    private LocalPool pool;
    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    void makePool() throws IOException {
        Traces.assumeRoot();
        dir = Files.createTempDirectory("ssi-pool-test-");
        pool = LocalPool.up(dir, new PoolSpec(2, 0.5, Optional.of(LinkRate.parse("100mbit"))));
    }

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process process : started) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        started.clear();
    }

    @AfterAll
    void takePoolDown() {
        if (dir != null) {
            LocalPool.down(dir);
            if (pool != null) {
                Traces.assertNoTraceOf(pool.id());
            }
            assertTrue(Files.notExists(dir), "the pool directory is gone");
        }
    }

    @Test
    void eachHostHasItsOwnNamespaceWithLoAndItsAddressUp() {
        for (PoolHost host : pool.hosts()) {
            assertTrue(Files.exists(Path.of("/run/netns", host.namespace())), host.namespace());
            String lo = String.join("\n", Traces.lines("ip", "-n", host.namespace(), "link", "show", "lo"));
            assertTrue(lo.contains(",UP"), "lo is up in " + host.namespace() + ": " + lo);
            String addresses = String.join("\n", Traces.lines("ip", "-n", host.namespace(), "-4", "-o", "addr"));
            assertTrue(addresses.contains(" " + host.address() + "/24 "), addresses);
        }
        assertEquals(List.of("h1", "h2"), pool.hosts().stream().map(PoolHost::name).toList());
        assertTrue(pool.hosts().get(0).address().startsWith("10.77."), pool.hosts().get(0).address());
    }

    @Test
    void hostsReachEachOtherAndTheWorkstationOverTcp() throws Exception {
        PoolHost h1 = pool.host("h1");
        started.add(pool.processIn("h1", List.of("python3", "-m", "http.server", "8000", "--bind", h1.address(),
                        "--directory", h1.stateDir().toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start());
        awaitListening(h1.address(), 8000);

        String fromH2 = Commands.run(pool.commandIn("h2", List.of("bash", "-c",
                "exec 3<>/dev/tcp/" + h1.address() + "/8000 && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3")));
        assertTrue(fromH2.startsWith("HTTP/1.0 200"), "h2 got from h1: " + fromH2);

        try (ServerSocket workstation = new ServerSocket(0, 1, InetAddress.getByName(pool.workstationAddress()))) {
            workstation.setSoTimeout(10_000);
            Commands.run(pool.commandIn("h1", List.of("bash", "-c",
                    "echo hello from h1 > /dev/tcp/" + pool.workstationAddress() + "/" + workstation.getLocalPort())));
            try (Socket connection = workstation.accept();
                    BufferedReader in = new BufferedReader(
                            new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8))) {
                assertEquals("hello from h1", in.readLine());
                assertEquals(h1.address(), connection.getInetAddress().getHostAddress());
            }
        }
    }

    @Test
    void aCommandRunInAHostIsInItsNamespaceAndCgroup() throws Exception {
        Process sleeper = start("h1", "sleep", "60");
        long pid = sleeper.pid();
        awaitCommandName(pid, "sleep");

        Object namespaceInode = Files.getAttribute(Path.of("/run/netns", pool.host("h1").namespace()), "unix:ino");
        assertEquals("net:[" + namespaceInode + "]", Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")).toString());
        assertEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")), Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/mnt")),
                "only the network namespace is entered: the cgroup mounts stay visible");
        List<String> cgroups = Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"));
        assertTrue(cgroups.stream().anyMatch(line -> line.endsWith(":" + pool.host("h1").cgroup())), cgroups.toString());
        assertEquals(1, pool.status().get(0).processes());
        assertEquals(0, pool.status().get(1).processes());
    }

    @Test
    void aBusyLoopInAHostGetsNoMoreThanItsQuota() throws Exception {
        start("h2", "sh", "-c", "while :; do :; done");
        Thread.sleep(300);
        Duration before = pool.cpuUsage("h2");
        long startedAt = System.nanoTime();
        Thread.sleep(2000);
        Duration used = pool.cpuUsage("h2").minus(before);
        double cores = (double) used.toNanos() / (System.nanoTime() - startedAt);
        assertTrue(cores > 0.05, "the loop ran in h2's cgroup: " + cores + " cores");
        assertTrue(cores < 0.75, "a 0.5-core quota held the loop to about half a core, not " + cores);
    }

    @Test
    void eachLinkIsShapedByATokenBucketAtTheRateAsked() {
        for (PoolHost host : pool.hosts()) {
            String rootEnd = Commands.run("tc", "qdisc", "show", "dev", "ssi" + pool.id() + host.name());
            String hostEnd = Commands.run("tc", "-n", host.namespace(), "qdisc", "show", "dev", "eth0");
            for (String qdisc : List.of(rootEnd, hostEnd)) {
                assertTrue(qdisc.contains("qdisc tbf") && qdisc.contains("rate 100Mbit"), qdisc);
            }
        }
    }

    @Test
    void statusListsEveryHostAliveAndSoDoesTheCommand() throws IOException {
        List<HostStatus> status = pool.status();
        assertEquals(List.of("h1", "h2"), status.stream().map(s -> s.host().name()).toList());
        assertTrue(status.stream().allMatch(HostStatus::alive), status.toString());
        assertEquals(Optional.of(LinkRate.parse("100mbit")), status.get(0).host().link());
        assertEquals(dir.resolve("hosts/h1"), status.get(0).host().stateDir());
        assertTrue(Files.isDirectory(status.get(0).host().stateDir()));

        StringWriter out = new StringWriter();
        int exit = PoolCommand.execute(new PrintWriter(out), new PrintWriter(new StringWriter()),
                "status", "--json", "--pool-dir", dir.toString());
        assertEquals(0, exit);
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertEquals(pool.id(), json.get("id").asText());
        assertTrue(json.get("complete").asBoolean());
        assertEquals(pool.host("h2").address(), json.get("hosts").get(1).get("address").asText());
        assertEquals("100mbit", json.get("hosts").get(1).get("link").asText());
        assertEquals(0.5, json.get("hosts").get(1).get("cpus").asDouble());
        for (JsonNode host : json.get("hosts")) {
            assertTrue(host.get("alive").asBoolean(), host.toString());
        }
    }

    private Process start(String host, String... command) throws IOException {
        Process process = pool.processIn(host, List.of(command)).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(process);
        return process;
    }

    private static void awaitListening(String address, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, port), 1000);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("nothing listens on " + address + ":" + port, notYet);
                }
                Thread.sleep(50);
            }
        }
    }

    private static void awaitCommandName(long pid, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.readString(Path.of("/proc/" + pid + "/comm")).strip().equals(name)) {
            assertTrue(System.nanoTime() < deadline, "process " + pid + " never became " + name);
            Thread.sleep(10);
        }
    }
}
