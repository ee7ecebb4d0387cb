package dev.ssi.transport.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.transport.CallType;
import dev.ssi.transport.Codec;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.trust.TlsContexts;
import dev.ssi.transport.trust.TlsProvider;
import dev.ssi.transport.wire.Frame;
import dev.ssi.transport.wire.FrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Each kind of garbage closes the one connection that sent it, with a reason; others go on. */
class BadInputTest {
    private static final CallType<String, String> ECHO = new CallType<>("echo", Codec.UTF8, Codec.UTF8);

    private static TestPool pool;
    private static TransportNode server;
    private static TransportNode bystander;

    @BeforeContainer
    static void start() {
        pool = new TestPool();
        server = pool.start("server");
        bystander = pool.start("bystander");
        server.onCall(ECHO, (from, text) -> CompletableFuture.completedFuture(text));
    }

    @AfterContainer
    static void stop() {
        pool.close();
    }

    @Property(tries = 30)
    void aFrameOfRandomBytesClosesThatConnectionWithAReason(@ForAll @Size(min = 2, max = 3000) byte[] body) {
        Assume.that(!decodesAsAFrame(body));
        try (RawPeer peer = helloFrom("random")) {
            peer.sendBytes(ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array());
            String reason = peer.expect(Frame.Close.class).reason();
            assertTrue(reason.startsWith("protocol"), reason);
            assertTrue(peer.closedWithin(5));
        }
        assertServerStillServes();
    }

    @Example
    void randomBytesInsteadOfAHelloCloseTheConnection() {
        try (RawPeer peer = RawPeer.connect(tls("early"), server.address())) {
            assertTrue(peer.tlsUp());
            peer.sendBytes(new byte[] {0, 0, 0, 5, 42, 42, 42, 42, 42});
            assertTrue(peer.expect(Frame.Close.class).reason().startsWith("protocol"));
            assertTrue(peer.closedWithin(5));
        }
        assertServerStillServes();
    }

    @Example
    void anOversizeLengthClosesTheConnectionBeforeTheBodyArrives() {
        try (RawPeer peer = helloFrom("greedy")) {
            peer.sendBytes(new byte[] {0x7f, -1, -1, -1, 1, 6});
            String reason = peer.expect(Frame.Close.class).reason();
            assertTrue(reason.contains("exceeds the limit"), reason);
            assertTrue(peer.closedWithin(5));
        }
        assertServerStillServes();
    }

    @Example
    void aFrameOfAnotherFormatVersionIsAProtocolMismatch() {
        try (RawPeer peer = helloFrom("newer")) {
            peer.sendBytes(new byte[] {0, 0, 0, 3, 2, 2, 0});
            assertTrue(peer.expect(Frame.Close.class).reason().startsWith("protocol mismatch"));
        }
        assertServerStillServes();
    }

    @Example
    void aTruncatedFrameIsReportedAsSuch() throws Exception {
        try (RawPeer peer = helloFrom("cut")) {
            Peer seen = waitForPeer(NodeId.of("cut"));
            ByteBuf frame = FrameCodec.encode(new Frame.Request(1, "echo", new byte[500]), ByteBufAllocator.DEFAULT);
            byte[] half = new byte[frame.readableBytes() / 2];
            frame.readBytes(half);
            frame.release();
            peer.sendBytes(half);
            peer.hangUp();
            String reason = seen.closed().get(5, TimeUnit.SECONDS);
            assertTrue(reason.contains("connection ended inside a frame"), reason);
        }
        assertServerStillServes();
    }

    @Example
    void aFrameThatMakesNoSenseNowClosesTheConnection() {
        try (RawPeer peer = helloFrom("confused")) {
            peer.send(new Frame.Hello(1, "confused", java.util.Set.of()));
            assertTrue(peer.expect(Frame.Close.class).reason().contains("unexpected Hello"));
        }
        assertServerStillServes();
    }

    private static RawPeer helloFrom(String name) {
        RawPeer peer = RawPeer.connect(tls(name), server.address());
        peer.hello(name, 1);
        peer.expect(Frame.Hello.class);
        return peer;
    }

    private static io.netty.handler.ssl.SslContext tls(String name) {
        return TlsContexts.client(pool.authority.admit(NodeId.of(name), Duration.ofHours(1)), TlsProvider.JDK);
    }

    private static Peer waitForPeer(NodeId id) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            var peer = server.peer(id);
            if (peer.isPresent()) {
                return peer.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("server never saw " + id);
    }

    private static void assertServerStillServes() {
        try {
            assertEquals("still here", TestPool.connect(bystander, server)
                    .call(ECHO, "still here", Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new AssertionError("server stopped serving others", e);
        }
    }

    private static boolean decodesAsAFrame(byte[] body) {
        try {
            ReferenceCountUtil.release(FrameCodec.decode(Unpooled.wrappedBuffer(body)));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
