package dev.ssi.transport.connection;

import static dev.ssi.transport.connection.CallsTest.assertFailsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.transport.BackPressureException;
import dev.ssi.transport.CallTimeoutException;
import dev.ssi.transport.CallType;
import dev.ssi.transport.Codec;
import dev.ssi.transport.MessageType;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.PeerGoneException;
import dev.ssi.transport.trust.TlsContexts;
import dev.ssi.transport.trust.TlsProvider;
import dev.ssi.transport.wire.Frame;
import io.netty.handler.ssl.SslContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A peer costs a node a bounded share, each way (PeerLimits): one that stops reading gets a
 * bounded queue, then a closed connection; one that floods calls has the excess refused at
 * once; one that floods messages is read no faster than they are handled. Real nodes, real TLS;
 * the misbehaving peer is a {@link RawPeer} with a certificate of the pool.
 */
@Timeout(120)
class BackPressureTest {
    private static final CallType<String, String> ECHO = new CallType<>("echo", Codec.UTF8, Codec.UTF8);
    private static final CallType<String, String> HOLD = new CallType<>("hold", Codec.UTF8, Codec.UTF8);
    private static final MessageType<byte[]> BLOB = new MessageType<>("blob", new Codec<>() {
        @Override
        public byte[] encode(byte[] value) {
            return value;
        }

        @Override
        public byte[] decode(byte[] bytes) {
            return bytes;
        }
    });

    private final TestPool pool = new TestPool();
    private final List<RawPeer> raws = new ArrayList<>();
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private final List<Logger> watched = List.of(Logger.getLogger(OutboundGuard.class.getName()),
            Logger.getLogger(InboundLimit.class.getName()));

    @BeforeEach
    void watchTheLog() {
        watched.forEach(logger -> logger.addHandler(handler));
    }

    @AfterEach
    void closeEverything() {
        watched.forEach(logger -> logger.removeHandler(handler));
        raws.forEach(RawPeer::close);
        pool.close();
    }

    @Test
    void aPeerThatStopsReadingGetsABoundedQueueFailsNewWorkAtOnceAndIsClosedWithAReason() throws Exception {
        PeerLimits limits = PeerLimits.DEFAULTS.withStallTimeout(Duration.ofSeconds(2));
        TransportNode sender = pool.start("sender", TestPool.config().withLimits(limits));
        TransportNode other = pool.start("other");
        other.onCall(ECHO, (from, text) -> CompletableFuture.completedFuture(text));
        RawPeer sloth = raw(RawPeer.listen(TlsContexts.server(identity("sloth"), TlsProvider.JDK)));
        CompletableFuture<Peer> connecting = sender.connect(NodeId.of("sloth"), sloth.address());
        sloth.hello("sloth", 1);
        Peer peer = connecting.get(10, TimeUnit.SECONDS);
        sloth.stopReading();

        byte[] chunk = new byte[64 << 10];
        Filled filled = fillUntilRefused(peer, chunk);
        assertTrue(filled.refused instanceof BackPressureException,
                "a message is refused once the queue is full: " + filled.refused);
        assertTrue(filled.refused.getMessage().contains("peer sloth is not reading"), filled.refused.getMessage());
        Thread.sleep(500); // the kernel's buffers take what they can, then nothing more moves
        Filled again = fillUntilRefused(peer, chunk);
        long most = Math.max(filled.mostQueued, again.mostQueued);
        // One message past the bound, counted twice for a moment: its plaintext and its ciphertext while TLS encrypts it.
        assertTrue(most <= limits.maxQueuedBytes() + 2 * (chunk.length + 1024),
                "the queue stays within its bound and one message: " + most);

        CompletableFuture<String> call = peer.call(ECHO, "anyone?", Duration.ofSeconds(30));
        assertTrue(call.isDone(), "a call to a peer that does not read fails at once, without waiting for its timeout");
        assertFailsWith(BackPressureException.class, call, "peer sloth is not reading");
        assertEquals("still here", TestPool.connect(sender, other).call(ECHO, "still here", Duration.ofSeconds(5))
                .get(5, TimeUnit.SECONDS), "the sender's other connections carry on");

        String reason = peer.closed().get(30, TimeUnit.SECONDS);
        assertTrue(reason.contains("peer sloth is not reading") && reason.contains("for 2000 ms"), reason);
        assertTrue(logged.stream().anyMatch(line -> line.startsWith("closing connection") && line.contains(reason)),
                "the reason is logged: " + logged);
        assertFailsWith(PeerGoneException.class, again.lastQueued, "not reading");
        assertEquals(0, peer.queuedBytes(), "what was queued is let go with the connection");
        assertTrue(sender.peer(NodeId.of("sloth")).isEmpty(), "a later call would dial anew");
    }

    @Test
    void callsAwaitingAnswersAreBoundedAndTimeOut() throws Exception {
        PeerLimits limits = new PeerLimits(8L << 20, Duration.ofSeconds(30), 8, 16, 4L << 20);
        TransportNode caller = pool.start("caller", TestPool.config().withLimits(limits));
        RawPeer mute = raw(RawPeer.listen(TlsContexts.server(identity("mute"), TlsProvider.JDK)));
        CompletableFuture<Peer> connecting = caller.connect(NodeId.of("mute"), mute.address());
        mute.hello("mute", 1);
        Peer peer = connecting.get(10, TimeUnit.SECONDS);

        List<CompletableFuture<String>> waiting = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            waiting.add(peer.call(ECHO, "call " + i, Duration.ofSeconds(2)));
        }
        CompletableFuture<String> ninth = peer.call(ECHO, "ninth", Duration.ofSeconds(2));
        assertTrue(ninth.isDone(), "the call beyond the bound fails at once");
        assertFailsWith(BackPressureException.class, ninth, "8 calls to mute wait for answers already");
        for (CompletableFuture<String> call : waiting) {
            assertFailsWith(CallTimeoutException.class, call, "no answer to echo from mute");
        }
        CompletableFuture<String> later = peer.call(ECHO, "later", Duration.ofSeconds(2));
        assertFalse(later.isDone(), "timed-out calls leave the table: there is room again");
        List<String> received = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            received.add(new String(mute.expect(Frame.Request.class).payload(), StandardCharsets.UTF_8));
        }
        assertFalse(received.contains("ninth"), "a refused call is never sent: " + received);
        assertTrue(received.contains("later"), received.toString());
    }

    @Test
    void aCallFloodIsRefusedAtOnceBeyondThePeersShareWhileOthersAreServed() throws Exception {
        TransportNode server = pool.start("server");
        TransportNode bystander = pool.start("bystander");
        List<CompletableFuture<String>> held = new CopyOnWriteArrayList<>();
        server.onCall(HOLD, (from, text) -> {
            CompletableFuture<String> answer = new CompletableFuture<>();
            held.add(answer);
            return answer;
        });
        server.onCall(ECHO, (from, text) -> CompletableFuture.completedFuture(text));
        RawPeer flood = raw(RawPeer.connect(clientTls("flood"), server.address()));
        flood.hello("flood", 1);
        flood.expect(Frame.Hello.class);

        int calls = 1000;
        int share = PeerLimits.DEFAULTS.inboundCalls();
        for (long id = 1; id <= calls; id++) {
            flood.send(new Frame.Request(id, "hold", "x".getBytes(StandardCharsets.UTF_8)));
        }
        for (int i = 0; i < calls - share; i++) {
            Frame.ErrorReply refusal = flood.expect(Frame.ErrorReply.class);
            assertTrue(refusal.message().startsWith("busy: flood has " + share + " calls under way here"),
                    refusal.message());
        }
        assertEquals(share, held.size(), "no more than the peer's share reached the handler");
        assertTrue(logged.stream().anyMatch(line -> line.startsWith("refusing calls from flood")), logged.toString());
        assertEquals("served", TestPool.connect(bystander, server).call(ECHO, "served", Duration.ofSeconds(5))
                .get(5, TimeUnit.SECONDS), "another peer's call is served meanwhile");

        held.forEach(answer -> answer.complete("done"));
        for (int i = 0; i < share; i++) {
            flood.expect(Frame.Response.class);
        }
        flood.send(new Frame.Request(calls + 1, "hold", "x".getBytes(StandardCharsets.UTF_8)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (held.size() == share && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(share + 1, held.size(), "answered calls make room for the next");
    }

    @Test
    void aMessageFloodWaitsInTheSendersBuffersNotInTheReceiversHeap() throws Exception {
        TransportNode server = pool.start("server");
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        server.onMessage(BLOB, (from, bytes) -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            handled.incrementAndGet();
        });
        RawPeer flood = raw(RawPeer.connect(clientTls("flood"), server.address()));
        flood.hello("flood", 1);
        flood.expect(Frame.Hello.class);

        int messages = 8000; // 128 MiB
        AtomicInteger sent = new AtomicInteger();
        Thread sender = new Thread(() -> {
            for (int i = 0; i < messages; i++) {
                flood.send(new Frame.Message("blob", new byte[16 << 10]));
                sent.incrementAndGet();
            }
        }, "flood");
        sender.setDaemon(true);
        sender.start();
        int before;
        do { // until every buffer on the way is full
            before = sent.get();
            Thread.sleep(1000);
        } while (sent.get() != before && sender.isAlive());
        assertTrue(sender.isAlive(), "the flood is held back: only " + sent.get() + " of " + messages + " went");
        long waiting = server.peer(NodeId.of("flood")).orElseThrow().inbound().waitingMessageBytes();
        long limit = PeerLimits.DEFAULTS.inboundMessageBytes();
        assertTrue(waiting <= 2 * limit, "the receiver holds at most its bound and a read's worth: " + waiting);

        gate.countDown();
        sender.join(TimeUnit.SECONDS.toMillis(60));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (handled.get() < messages && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(messages, handled.get(), "none was lost: reading resumed as they drained");
    }

    @Test
    void streamOffersBeyondThePeersShareAreRejected() {
        TransportNode server = pool.start("server");
        server.onStream(stream -> {}); // decides nothing: every offer stays under way
        RawPeer offerer = raw(RawPeer.connect(clientTls("offerer"), server.address()));
        offerer.hello("offerer", 1);
        offerer.expect(Frame.Hello.class);
        for (long id = 1; id <= 20; id++) {
            offerer.send(new Frame.GrowingOffer(id, "images"));
        }
        for (int i = 0; i < 4; i++) {
            Frame.StreamReject reject = offerer.expect(Frame.StreamReject.class);
            assertTrue(reject.streamId() > 16, "the first 16 stay on offer: " + reject);
            assertTrue(reject.reason().contains("16 streams under way here"), reject.reason());
        }
    }

    private record Filled(Throwable refused, long mostQueued, CompletableFuture<Void> lastQueued) {
    }

    /** Sends until a message is refused (at most 256 MiB), noting the most ever queued. */
    private static Filled fillUntilRefused(Peer peer, byte[] chunk) {
        long most = 0;
        CompletableFuture<Void> queued = null;
        for (int i = 0; i < 4096; i++) {
            CompletableFuture<Void> sent = peer.send(BLOB, chunk);
            most = Math.max(most, peer.queuedBytes());
            if (sent.isCompletedExceptionally()) {
                return new Filled(sent.handle((ok, failure) -> failure).join(), most, queued);
            }
            queued = sent;
        }
        return new Filled(null, most, queued);
    }

    private RawPeer raw(RawPeer peer) {
        raws.add(peer);
        return peer;
    }

    private dev.ssi.transport.trust.NodeIdentity identity(String name) {
        return pool.authority.admit(NodeId.of(name), Duration.ofHours(1));
    }

    private SslContext clientTls(String name) {
        return TlsContexts.client(identity(name), TlsProvider.JDK);
    }
}
