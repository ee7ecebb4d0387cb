package dev.ssi.daemon.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.ssi.checkpoint.Criu;
import dev.ssi.daemon.LoopbackNodes;
import dev.ssi.daemon.confine.GuestsConfig;
import dev.ssi.daemon.home.HomeJob;
import dev.ssi.daemon.home.HomeOutput;
import dev.ssi.daemon.home.SpoolLimit;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.Owner;
import dev.ssi.daemon.journal.Journal;
import dev.ssi.daemon.peer.PeerMessages.Output;
import dev.ssi.daemon.peer.PeerMessages.OutputAck;
import dev.ssi.daemon.peer.PeerProtocol;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.connection.TransportConfig;
import dev.ssi.transport.connection.TransportNode;
import dev.ssi.transport.trust.PoolAuthority;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restarting node answers its peers only once it has its jobs back. */
class NodeStartTest {
    private static final NodeId WS = NodeId.of("ws");
    private static final NodeId H1 = NodeId.of("h1");
    private static final JobId JOB = JobId.of("ws", 1);

    @TempDir
    Path state;

    @Test
    void outputArrivingWhileHomeRestartsIsKeptNotAcknowledgedAsForgotten() throws Exception {
        try (Journal journal = Journal.open(state.resolve("ws"))) {
            HomeJob job = HomeJob.submitted(journal, JOB, List.of("sleep", "60"), Owner.ROOT, WS, Instant.now(),
                    HomeOutput.create(JOB, journal, state.resolve("spool"), SpoolLimit.DEFAULT));
            job.arrived(H1, 1, Instant.now());
        }
        PoolAuthority authority = PoolAuthority.create("test-pool", Duration.ofDays(1));
        List<OutputAck> acks = new CopyOnWriteArrayList<>();
        try (TransportNode h1 = TransportNode.start(authority.admit(H1, Duration.ofDays(1)),
                TransportConfig.defaults(new InetSocketAddress("127.0.0.1", 0)))) {
            h1.onMessage(PeerProtocol.OUTPUT_ACK, (from, ack) -> acks.add(ack));
            InetSocketAddress ws = new InetSocketAddress("127.0.0.1", freePort());
            Output chunk = Output.newBuilder().setJob(JOB.value()).setEpoch(1).setSeq(0)
                    .setData(ByteString.copyFromUtf8("hello\n")).build();
            AtomicBoolean sending = new AtomicBoolean(true);
            Thread sender = new Thread(() -> {
                while (sending.get()) {
                    try {
                        h1.connect(WS, ws).thenCompose(peer -> peer.send(PeerProtocol.OUTPUT, chunk)).get(1, TimeUnit.SECONDS);
                    } catch (Exception notListeningYet) {
                        // Again, until it is.
                    }
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sender.start();
            try (Node node = Node.start(authority.admit(WS, Duration.ofDays(1)), TransportConfig.defaults(ws),
                    Criu.locate(), LoopbackNodes.BIN.resolve("ssi-init"), state.resolve("ws"), GuestsConfig.defaults(),
                    Map.of(H1, h1.address()))) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (acks.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                sending.set(false);
                sender.join();
                assertTrue(!acks.isEmpty(), "home acknowledged the output");
                assertTrue(acks.stream().noneMatch(ack -> ack.getNextSeq() == Long.MAX_VALUE && ack.getExitSeen()),
                        "no acknowledgement says home forgot the job (which lets the host drop its output): " + acks);
                assertEquals(H1, node.home().homeJob(JOB).where());
            } finally {
                sending.set(false);
                sender.join();
            }
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
