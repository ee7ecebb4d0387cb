package dev.ssi.transport.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.transport.NodeId;
import dev.ssi.transport.tool.TransportTool;
import dev.ssi.transport.trust.PoolAuthority;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes as two processes in two network namespaces joined by a veth pair, the way pool
 * hosts are: a call and a stream cross the link. Namespaces and processes go away even when
 * the test fails.
 */
class TwoNamespacesTest {
    private final String tag = Long.toString(new Random().nextInt(1 << 30), 36);
    private final String nsA = "ssi-t-" + tag + "-a";
    private final String nsB = "ssi-t-" + tag + "-b";
    private final String subnet = "10.213." + new Random().nextInt(250);
    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path tmp;

    @AfterEach
    void removeEverything() throws Exception {
        processes.forEach(Process::destroyForcibly);
        for (Process process : processes) {
            process.waitFor(5, TimeUnit.SECONDS);
        }
        run("ip", "netns", "del", nsA);
        run("ip", "netns", "del", nsB);
    }

    @Test
    void aNodeStreamsADirectoryToANodeInAnotherNamespace() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root for namespaces");
        makeNamespaces();
        PoolAuthority authority = PoolAuthority.create("netns", Duration.ofDays(1));
        authority.admit(NodeId.of("a"), Duration.ofDays(1)).save(tmp.resolve("a"));
        authority.admit(NodeId.of("b"), Duration.ofDays(1)).save(tmp.resolve("b"));
        Path source = Files.createDirectories(tmp.resolve("job-7"));
        byte[] noise = new byte[3 << 20];
        new Random(7).nextBytes(noise);
        Files.write(source.resolve("pages-1.img"), noise);
        Files.write(source.resolve("core-1.img"), "x".repeat(100_000).getBytes(StandardCharsets.US_ASCII));
        Files.createDirectories(tmp.resolve("in"));

        String listen = subnet + ".1:47000";
        LinkedBlockingQueue<String> receiverOut = start(nsA, "receive", tmp.resolve("a").toString(), listen,
                tmp.resolve("in").toString(), "1");
        assertTrue(awaitLine(receiverOut, "ready").contains("epoll=true"));
        LinkedBlockingQueue<String> senderOut = start(nsB, "send", tmp.resolve("b").toString(), "a", listen,
                source.toString());

        assertEquals("pong from a to b: hello", awaitLine(senderOut, "pong"));
        assertTrue(awaitLine(senderOut, "sent").contains("files=2"));
        awaitLine(receiverOut, "received job-7-1");
        for (String name : List.of("pages-1.img", "core-1.img")) {
            assertArrayEquals(Files.readAllBytes(source.resolve(name)),
                    Files.readAllBytes(tmp.resolve("in").resolve("job-7-1").resolve(name)));
        }
    }

    private void makeNamespaces() throws Exception {
        String vethA = "st" + tag + "a";
        String vethB = "st" + tag + "b";
        exec("ip", "netns", "add", nsA);
        exec("ip", "netns", "add", nsB);
        exec("ip", "link", "add", vethA, "type", "veth", "peer", "name", vethB);
        exec("ip", "link", "set", vethA, "netns", nsA);
        exec("ip", "link", "set", vethB, "netns", nsB);
        inNamespace(nsA, "ip", "addr", "add", subnet + ".1/24", "dev", vethA);
        inNamespace(nsB, "ip", "addr", "add", subnet + ".2/24", "dev", vethB);
        for (String[] end : new String[][] {{nsA, vethA}, {nsB, vethB}}) {
            inNamespace(end[0], "ip", "link", "set", "lo", "up");
            inNamespace(end[0], "ip", "link", "set", end[1], "up");
        }
    }

    private void inNamespace(String namespace, String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + namespace));
        line.addAll(List.of(command));
        exec(line.toArray(String[]::new));
    }

    /** Starts the transport tool in a namespace; its output lines arrive in the queue. */
    private LinkedBlockingQueue<String> start(String namespace, String... args) throws IOException {
        List<String> line = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + namespace,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), TransportTool.class.getName()));
        line.addAll(List.of(args));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        processes.add(process);
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                out.lines().forEach(lines::add);
            } catch (IOException ignored) {
                // The process is gone; the test sees the lines it got.
            }
        });
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static String awaitLine(LinkedBlockingQueue<String> lines, String prefix) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith(prefix)) {
                return line;
            }
            if (line != null) {
                seen.add(line);
            }
        }
        throw new AssertionError("no line starting with '" + prefix + "'; got " + seen);
    }

    private static void exec(String... command) throws Exception {
        int status = run(command);
        if (status != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + status);
        }
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }
}
