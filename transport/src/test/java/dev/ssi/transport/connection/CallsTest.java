package dev.ssi.transport.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.transport.CallType;
import dev.ssi.transport.Codec;
import dev.ssi.transport.MessageType;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.PeerGoneException;
import dev.ssi.transport.ProtocolMismatchException;
import dev.ssi.transport.RefusedException;
import dev.ssi.transport.RemoteFailureException;
import dev.ssi.transport.TransportException;
import dev.ssi.transport.trust.TlsContexts;
import dev.ssi.transport.trust.TlsProvider;
import dev.ssi.transport.wire.Frame;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.Example;

class CallsTest {
    record Load(int jobs, double cpu) {
    }

    static final Codec<Load> LOAD_CODEC = new Codec<>() {
        @Override
        public byte[] encode(Load load) {
            return (load.jobs + " " + load.cpu).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Load decode(byte[] bytes) {
            String[] parts = new String(bytes, StandardCharsets.UTF_8).split(" ");
            if (parts.length != 2) {
                throw new IllegalArgumentException("not a load: " + new String(bytes, StandardCharsets.UTF_8));
            }
            return new Load(Integer.parseInt(parts[0]), Double.parseDouble(parts[1]));
        }
    };
    static final MessageType<Load> LOAD = new MessageType<>("load", LOAD_CODEC);
    static final CallType<String, String> ECHO = new CallType<>("echo", Codec.UTF8, Codec.UTF8);
    static final CallType<String, String> SLOW = new CallType<>("slow", Codec.UTF8, Codec.UTF8);
    static final CallType<String, String> PICKY = new CallType<>("picky", Codec.UTF8, Codec.UTF8);
    static final CallType<String, String> BROKEN = new CallType<>("broken", Codec.UTF8, Codec.UTF8);
    static final CallType<String, String> NOBODY = new CallType<>("nobody", Codec.UTF8, Codec.UTF8);

    private static TestPool pool;
    private static TransportNode a;
    private static TransportNode b;

    @BeforeContainer
    static void startNodes() {
        pool = new TestPool();
        a = pool.start("a");
        b = pool.start("b");
        b.onCall(ECHO, (from, text) -> CompletableFuture.completedFuture(from + " said " + text));
        b.onCall(SLOW, (from, text) -> new CompletableFuture<>());
        b.onCall(PICKY, (from, text) -> CompletableFuture.failedFuture(new RefusedException("not today")));
        b.onCall(BROKEN, (from, text) -> {
            throw new IllegalStateException("disk on fire");
        });
    }

    @AfterContainer
    static void stopNodes() {
        pool.close();
    }

    @Property(tries = 100)
    void aCallReturnsItsAnswer(@ForAll String text) throws Exception {
        Peer peer = TestPool.connect(a, b);
        assertEquals("a said " + text, peer.call(ECHO, text, Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS));
    }

    @Property(tries = 50)
    void typedMessagesArriveWithTheirSender(@ForAll int jobs, @ForAll double cpu) throws Exception {
        LinkedBlockingQueue<String> inbox = new LinkedBlockingQueue<>();
        b.onMessage(LOAD, (from, load) -> inbox.add(from + " " + load));
        TestPool.connect(a, b).send(LOAD, new Load(jobs, cpu)).get(5, TimeUnit.SECONDS);
        assertEquals("a " + new Load(jobs, cpu), inbox.poll(5, TimeUnit.SECONDS));
    }

    @Example
    void oneConnectionPerPeerPairWhoeverDials() {
        Peer fromA = TestPool.connect(a, b);
        assertSame(fromA, TestPool.connect(a, b));
        Peer fromB = TestPool.connect(b, a);
        assertEquals(1, a.peers().size());
        assertEquals(1, b.peers().size());
        assertEquals(Set.of("test"), fromB.capabilities());
        assertTrue(fromA.isOpen() && fromB.isOpen());
    }

    @Example
    void simultaneousDialsSettleOnOneConnection() throws Exception {
        try (TestPool own = new TestPool()) {
            TransportNode x = own.start("x");
            TransportNode y = own.start("y");
            CompletableFuture<Peer> xy = x.connect(y.id(), y.address());
            CompletableFuture<Peer> yx = y.connect(x.id(), x.address());
            CompletableFuture.allOf(xy, yx).exceptionally(e -> null).get(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while ((x.peers().size() != 1 || y.peers().size() != 1) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, x.peers().size());
            assertEquals(1, y.peers().size());
            Peer survivor = x.peer(y.id()).orElseThrow();
            assertTrue(survivor.isOpen());
        }
    }

    @Example
    void aNodeThatWasDownIsReachedOnceItListensAgain() throws Exception {
        try (TestPool own = new TestPool()) {
            TransportNode x = own.start("x");
            int port;
            try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            InetSocketAddress there = new InetSocketAddress("127.0.0.1", port);
            for (int i = 0; i < 20; i++) {
                CompletableFuture<Peer> refused = x.connect(NodeId.of("z"), there);
                assertThrows(java.util.concurrent.ExecutionException.class, () -> refused.get(5, TimeUnit.SECONDS));
            }
            TransportConfig onThatPort = new TransportConfig(there, TestPool.config().tls(), TestPool.SMALL_STREAMS,
                    Set.of("test"), Duration.ofSeconds(5), 1, 2, 2, PeerLimits.DEFAULTS);
            try (TransportNode z = TransportNode.start(own.authority.admit(NodeId.of("z"), Duration.ofDays(1)), onThatPort)) {
                assertTrue(x.connect(z.id(), there).get(10, TimeUnit.SECONDS).isOpen(), "no refused dial lingers");
            }
        }
    }

    @Example
    void aCallNobodyHandlesIsRefused() {
        assertFailsWith(RefusedException.class,
                TestPool.connect(a, b).call(NOBODY, "x", Duration.ofSeconds(5)), "no handler for nobody");
    }

    @Example
    void aHandlerCanRefuseWithAReason() {
        assertFailsWith(RefusedException.class,
                TestPool.connect(a, b).call(PICKY, "x", Duration.ofSeconds(5)), "not today");
    }

    @Example
    void aFailingHandlerIsARemoteFailure() {
        assertFailsWith(RemoteFailureException.class,
                TestPool.connect(a, b).call(BROKEN, "x", Duration.ofSeconds(5)), "disk on fire");
    }

    @Example
    void pendingCallsFailWhenThePeerGoes() throws Exception {
        try (TestPool own = new TestPool()) {
            TransportNode client = own.start("client");
            TransportNode server = own.start("server");
            CompletableFuture<Void> arrived = new CompletableFuture<>();
            server.onCall(SLOW, (from, text) -> {
                arrived.complete(null);
                return new CompletableFuture<>();
            });
            Peer peer = TestPool.connect(client, server);
            CompletableFuture<String> pending = peer.call(SLOW, "x", Duration.ofSeconds(30));
            // Closed while the call is pending there, not before it has left here.
            arrived.get(10, TimeUnit.SECONDS);
            server.close();
            assertFailsWith(PeerGoneException.class, pending, "server is shutting down");
            assertFailsWith(PeerGoneException.class, peer.call(ECHO, "x", Duration.ofSeconds(5)), "shutting down");
        }
    }

    @Example
    void aPeerThatCannotBeReachedIsGone() throws Exception {
        try (TestPool own = new TestPool()) {
            TransportNode lonely = own.start("lonely");
            TransportNode gone = own.start("gone");
            var address = gone.address();
            gone.close();
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> lonely.connect(NodeId.of("gone"), address).get(10, TimeUnit.SECONDS));
            assertInstanceOf(PeerGoneException.class, e.getCause());
        }
    }

    @Example
    void aPeerSpeakingAnotherProtocolVersionIsAMismatch() throws Exception {
        try (TestPool own = new TestPool();
             RawPeer future = RawPeer.listen(TlsContexts.server(
                     own.authority.admit(NodeId.of("future"), Duration.ofHours(1)), TlsProvider.JDK))) {
            CompletableFuture<Peer> connecting = own.start("today").connect(NodeId.of("future"), future.address());
            future.hello("future", 2);
            assertFailsWith(ProtocolMismatchException.class, connecting, "speaks 2");
            assertTrue(future.expect(Frame.Close.class).reason().startsWith("protocol mismatch"));
        }
    }

    @Example
    void payloadsTooLargeForAFrameAreRefusedBeforeSending() {
        Peer peer = TestPool.connect(a, b);
        assertThrows(IllegalArgumentException.class,
                () -> peer.call(ECHO, "x".repeat(2 << 20), Duration.ofSeconds(5)));
        assertTrue(peer.isOpen());
    }

    static void assertFailsWith(Class<? extends TransportException> type, CompletableFuture<?> future, String text) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
        assertInstanceOf(type, e.getCause());
        assertTrue(e.getCause().getMessage().contains(text), e.getCause().getMessage());
    }
}
