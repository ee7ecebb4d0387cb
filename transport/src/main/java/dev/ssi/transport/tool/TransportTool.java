package dev.ssi.transport.tool;

import dev.ssi.transport.CallType;
import dev.ssi.transport.Codec;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.connection.Peer;
import dev.ssi.transport.connection.TransportConfig;
import dev.ssi.transport.connection.TransportNode;
import dev.ssi.transport.stream.StreamResult;
import dev.ssi.transport.trust.NodeIdentity;
import dev.ssi.transport.trust.PoolAuthority;
import dev.ssi.transport.trust.TlsProvider;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Command-line use of the transport, for admins, the two-namespace test and the benchmark:
 * <pre>
 * init-pool CA_DIR POOL_NAME
 * admit CA_DIR NODE_ID OUT_DIR [--expired]
 * receive IDENTITY_DIR HOST:PORT INTO_DIR STREAMS [--tls=openssl|jdk]
 * send IDENTITY_DIR NODE_ID HOST:PORT DIR [--tls=openssl|jdk] [--repeat=N]
 * </pre>
 * {@code receive} answers the {@code ping} call, prints {@code ready}, receives STREAMS streams
 * into INTO_DIR/LABEL and exits; {@code send} pings, streams DIR (N times, as DIR-1 ... DIR-N,
 * so that later runs show a warmed-up JVM, as in a long-running daemon) and prints what each
 * took.
 */
public final class TransportTool {
    static final CallType<String, String> PING = new CallType<>("ping", Codec.UTF8, Codec.UTF8);

    private TransportTool() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        switch (args[0]) {
            case "init-pool" -> initPool(args);
            case "admit" -> admit(args);
            case "receive" -> receive(args);
            case "send" -> send(args);
            default -> usage();
        }
    }

    private static void initPool(String[] args) {
        require(args, 3);
        PoolAuthority.create(args[2], Duration.ofDays(3650)).save(Path.of(args[1]));
    }

    private static void admit(String[] args) {
        require(args, 4);
        PoolAuthority authority = PoolAuthority.load(Path.of(args[1]));
        NodeId node = NodeId.of(args[2]);
        NodeIdentity identity = hasFlag(args, "--expired")
                ? authority.admit(node, Instant.now().minus(Duration.ofDays(2)), Instant.now().minus(Duration.ofDays(1)))
                : authority.admit(node, Duration.ofDays(365));
        identity.save(Path.of(args[3]));
    }

    private static void receive(String[] args) throws Exception {
        require(args, 5);
        int streams = Integer.parseInt(args[4]);
        CountDownLatch done = new CountDownLatch(streams);
        TransportConfig config = config(args[2], args);
        try (TransportNode node = TransportNode.start(NodeIdentity.load(Path.of(args[1])), config)) {
            node.onCall(PING, (from, text) -> CompletableFuture.completedFuture(
                    "pong from " + node.id() + " to " + from + ": " + text));
            node.onStream(stream -> stream.accept(Path.of(args[3]).resolve(stream.label()))
                    .whenComplete((directory, failure) -> {
                        System.out.println(failure == null
                                ? "received " + stream.label() + " " + directory
                                : "failed " + stream.label() + " " + failure.getMessage());
                        done.countDown();
                    }));
            System.out.println("ready " + node.id() + " " + node.address() + " epoll=" + node.usesEpoll()
                    + " tls=" + config.tls());
            done.await();
        }
    }

    private static void send(String[] args) throws Exception {
        require(args, 5);
        NodeId target = NodeId.of(args[2]);
        TransportConfig config = config("0.0.0.0:0", args);
        try (TransportNode node = TransportNode.start(NodeIdentity.load(Path.of(args[1])), config)) {
            Peer peer = node.connect(target, address(args[3])).get(30, TimeUnit.SECONDS);
            System.out.println(peer.call(PING, "hello", Duration.ofSeconds(10)).get());
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            Path directory = Path.of(args[4]);
            for (int run = 1; run <= intFlag(args, "--repeat=", 1); run++) {
                long cpuBefore = os.getProcessCpuTime();
                long start = System.nanoTime();
                StreamResult result = peer.sendDirectory(directory, directory.getFileName() + "-" + run)
                        .completion().get();
                double seconds = (System.nanoTime() - start) / 1e9;
                double cpu = (os.getProcessCpuTime() - cpuBefore) / 1e9;
                System.out.printf(Locale.ROOT,
                        "sent run=%d files=%d bytes=%d wire=%d seconds=%.3f cpu_seconds=%.3f tls=%s%n",
                        run, result.files(), result.bytes(), result.wireBytes(), seconds, cpu, config.tls());
            }
        }
    }

    private static TransportConfig config(String listen, String[] args) {
        TransportConfig config = TransportConfig.defaults(address(listen));
        for (String arg : args) {
            if (arg.startsWith("--tls=")) {
                config = config.withTls(TlsProvider.valueOf(arg.substring(6).toUpperCase(Locale.ROOT)));
            }
        }
        return config;
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private static int intFlag(String[] args, String prefix, int otherwise) {
        for (String arg : args) {
            if (arg.startsWith(prefix)) {
                return Integer.parseInt(arg.substring(prefix.length()));
            }
        }
        return otherwise;
    }

    private static boolean hasFlag(String[] args, String flag) {
        for (String arg : args) {
            if (arg.equals(flag)) {
                return true;
            }
        }
        return false;
    }

    private static void require(String[] args, int count) {
        if (args.length < count) {
            usage();
        }
    }

    private static void usage() {
        System.err.println("usage: init-pool CA_DIR POOL_NAME | admit CA_DIR NODE_ID OUT_DIR [--expired]"
                + " | receive IDENTITY_DIR HOST:PORT INTO_DIR STREAMS [--tls=openssl|jdk]"
                + " | send IDENTITY_DIR NODE_ID HOST:PORT DIR [--tls=openssl|jdk] [--repeat=N]");
        System.exit(2);
    }
}
