package dev.ssi.transport.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.transport.CallType;
import dev.ssi.transport.Codec;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.stream.Streams;
import dev.ssi.transport.wire.Frame;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The connection that loses a simultaneous-dial tie is retired: nothing new goes on it, and it
 * closes once the calls under way on it, either way, are over and it has been idle 5 s. On Netty's own in-memory channel,
 * so the moment the call is answered is the test's to choose.
 */
class RetiredConnectionTest {
    private static final CallType<String, String> ECHO = new CallType<>("echo", Codec.UTF8, Codec.UTF8);

    private static Peer peerOn(EmbeddedChannel channel, PeerRegistry registry, boolean dialedHere) {
        Streams streams = new Streams(channel, NodeId.of("y"), TestPool.SMALL_STREAMS, Runnable::run, Runnable::run,
                () -> null);
        Peer peer = new Peer(NodeId.of("y"), Set.of(), channel, dialedHere, 1 << 20, PeerLimits.DEFAULTS, streams);
        channel.closeFuture().addListener(closed -> peer.connectionClosed());
        return registry.register(peer);
    }

    @Test
    void theLoserClosesOnlyOnceItsCallIsAnswered() throws Exception {
        PeerRegistry registry = new PeerRegistry(NodeId.of("x"));
        EmbeddedChannel dialedByY = new EmbeddedChannel();
        Peer loser = peerOn(dialedByY, registry, false);
        CompletableFuture<String> underWay = loser.call(ECHO, "hello", Duration.ofSeconds(30));

        EmbeddedChannel dialedByX = new EmbeddedChannel();
        Peer winner = peerOn(dialedByX, registry, true);
        assertTrue(winner != loser, "the connection x dialed wins the tie (x < y)");
        assertEquals(winner, registry.get(NodeId.of("y")).orElseThrow(), "new work goes on the winner");

        dialedByY.advanceTimeBy(1, TimeUnit.SECONDS);
        dialedByY.runScheduledPendingTasks();
        assertTrue(dialedByY.isOpen(), "the loser stays open while its call waits for an answer");

        long callId = ((Frame.Request) dialedByY.readOutbound()).callId();
        loser.calls().answered(new Frame.Response(callId, "hello back".getBytes(StandardCharsets.UTF_8)));
        assertEquals("hello back", underWay.get(1, TimeUnit.SECONDS));
        tick(dialedByY, 24);
        assertTrue(dialedByY.isOpen(), "idle for less than 5 s, it may still carry what its user does next");
        tick(dialedByY, 1);
        assertFalse(dialedByY.isOpen(), "then it closes");
        assertTrue(loser.closed().get(1, TimeUnit.SECONDS).contains("duplicate connection"));
        assertTrue(dialedByX.isOpen());
    }

    @Test
    void anIdleLoserClosesOnceItHasBeenIdleFiveSeconds() {
        PeerRegistry registry = new PeerRegistry(NodeId.of("x"));
        EmbeddedChannel dialedByY = new EmbeddedChannel();
        peerOn(dialedByY, registry, false);
        peerOn(new EmbeddedChannel(), registry, true);
        dialedByY.runPendingTasks();
        tick(dialedByY, 24);
        assertTrue(dialedByY.isOpen());
        tick(dialedByY, 1);
        assertFalse(dialedByY.isOpen());
    }

    /** {@code checks} of the retired connection's idle checks, 200 ms apart. */
    private static void tick(EmbeddedChannel channel, int checks) {
        for (int i = 0; i < checks; i++) {
            channel.advanceTimeBy(200, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
        }
    }
}
