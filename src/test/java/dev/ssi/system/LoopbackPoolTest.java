package dev.ssi.system;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.daemon.LoopbackNodes;
import dev.ssi.daemon.control.ControlServer;
import dev.ssi.daemon.home.SpoolLimit;
import dev.ssi.daemon.node.Node;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The set-up the loopback system tests share: real nodes on loopback (mutual TLS, real CRIU) in
 * a temporary directory — the workstation {@code ws} as the jobs' home and a host {@code h1},
 * four CPUs each, started before each test (a subclass's own {@code @BeforeEach} adds nodes
 * after these) and all closed after it — and the counting job whose output they check.
 */
abstract class LoopbackPoolTest {
    /** A shell job that prints 1 to {@code %d}, a line every few milliseconds. */
    static final String COUNTER = "i=0; while [ $i -lt %d ]; do i=$((i+1)); echo $i; sleep 0.004; done";

    @TempDir
    Path state;

    LoopbackNodes pool;
    Node home;
    Node h1;

    @BeforeEach
    void startLoopbackPool() throws Exception {
        pool = new LoopbackNodes(state);
        home = pool.start("ws", 4, homeSpoolLimit());
        h1 = pool.start("h1", 4);
    }

    /** How much of each job's output the workstation keeps for an ssi-run behind it. */
    SpoolLimit homeSpoolLimit() {
        return SpoolLimit.DEFAULT;
    }

    @AfterEach
    void stopLoopbackPool() throws Exception {
        pool.close();
    }

    /** Serves the workstation's control socket, closed with the pool; its path. */
    Path serveControl() throws Exception {
        Path socket = state.resolve("ssid.sock");
        pool.closing(ControlServer.start(socket, home));
        return socket;
    }

    /** What {@link #COUNTER} prints counting to {@code upTo}. */
    static String numbers(int upTo) {
        return IntStream.rangeClosed(1, upTo).mapToObj(i -> i + "\n").collect(Collectors.joining());
    }

    /** Waits, at most 30 s, until {@code out} has {@code n} lines. */
    static void awaitLines(ByteArrayOutputStream out, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (out.toString(StandardCharsets.UTF_8).lines().count() < n) {
            assertTrue(System.nanoTime() < deadline, "output stalled");
            Thread.sleep(5);
        }
    }
}
