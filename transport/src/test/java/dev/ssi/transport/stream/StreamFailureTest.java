package dev.ssi.transport.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.transport.NodeId;
import dev.ssi.transport.RefusedException;
import dev.ssi.transport.StreamFailedException;
import dev.ssi.transport.connection.RawPeer;
import dev.ssi.transport.connection.TestPool;
import dev.ssi.transport.connection.TransportNode;
import dev.ssi.transport.trust.TlsContexts;
import dev.ssi.transport.trust.TlsProvider;
import dev.ssi.transport.wire.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node receiving from (or sending to) a hand-driven peer that breaks the stream rules. */
class StreamFailureTest {
    private static final int BLOCK = TestPool.SMALL_STREAMS.blockSize();

    @TempDir
    Path tmp;
    private TestPool pool;
    private TransportNode node;
    private final LinkedBlockingQueue<IncomingStream> offered = new LinkedBlockingQueue<>();
    /** What the node receives of the one stream a real sender sends it. */
    private final CompletableFuture<CompletableFuture<Path>> incoming = new CompletableFuture<>();

    @BeforeEach
    void start() {
        pool = new TestPool();
        node = pool.start("node");
        node.onStream(offered::add);
    }

    @AfterEach
    void stop() {
        pool.close();
    }

    @Test
    void aFileNameWithTraversalEndsThatStreamOnlyAndLeavesNothing() throws Exception {
        try (RawPeer peer = rawSender("sender")) {
            CompletableFuture<Path> received = offer(peer, 1, 1, 10).completion();
            peer.send(new Frame.StreamFile(1, "../x", 10));
            assertTrue(peer.expect(Frame.StreamReject.class).reason().contains("path separator"));
            assertStreamFailed(received, "'../x'");
            assertFalse(Files.exists(tmp.resolve("x")));
            assertNothingLeft();
            // The connection still carries other streams.
            CompletableFuture<Path> next = offer(peer, 2, 1, 5).completion();
            peer.send(new Frame.StreamFile(2, "ok", 5));
            peer.send(block(2, new byte[] {1, 2, 3, 4, 5}));
            peer.send(new Frame.StreamEnd(2));
            peer.expect(Frame.StreamDone.class);
            assertEquals(5, Files.size(next.get(5, TimeUnit.SECONDS).resolve("ok")));
        }
    }

    @Test
    void aFlippedBitInACompressedBlockEndsTheStream() throws Exception {
        try (RawPeer peer = rawSender("sender")) {
            CompletableFuture<Path> received = offer(peer, 1, 1, BLOCK).completion();
            peer.send(new Frame.StreamFile(1, "pages-1.img", BLOCK));
            Frame.StreamBlock block = block(1, new byte[BLOCK]);
            assertTrue(block.compressed());
            ByteBuf data = block.data();
            int middle = data.readerIndex() + data.readableBytes() / 2;
            data.setByte(middle, data.getByte(middle) ^ 0x10);
            peer.send(block);
            String reason = peer.expect(Frame.StreamReject.class).reason();
            assertTrue(reason.contains("pages-1.img"), reason);
            assertStreamFailed(received, "pages-1.img");
            assertNothingLeft();
        }
    }

    @Test
    void aFileShorterThanAnnouncedEndsTheStream() throws Exception {
        try (RawPeer peer = rawSender("sender")) {
            CompletableFuture<Path> received = offer(peer, 1, 1, 100).completion();
            peer.send(new Frame.StreamFile(1, "short", 100));
            peer.send(block(1, new byte[60]));
            peer.send(new Frame.StreamEnd(1));
            assertTrue(peer.expect(Frame.StreamReject.class).reason().contains("ended after 60 of its 100 bytes"));
            assertStreamFailed(received, "ended after 60");
            assertNothingLeft();
        }
    }

    @Test
    void offersBeyondTheLimitsAreRefusedAtOnce() {
        try (RawPeer peer = rawSender("sender")) {
            peer.send(new Frame.StreamOffer(1, "huge", 1, TestPool.SMALL_STREAMS.maxTotalBytes() + 1));
            assertTrue(peer.expect(Frame.StreamReject.class).reason().contains("exceeds the limit"));
            assertTrue(offered.isEmpty());
        }
    }

    @Test
    void aConnectionDroppedMidStreamLeavesNothing() throws Exception {
        CompletableFuture<Path> received;
        try (RawPeer peer = rawSender("sender")) {
            received = offer(peer, 1, 1, 3L * BLOCK).completion();
            peer.send(new Frame.StreamFile(1, "partial", 3L * BLOCK));
            peer.send(block(1, new byte[BLOCK]));
            peer.expect(Frame.StreamCredit.class);
            peer.hangUp();
        }
        assertStreamFailed(received, "connection lost");
        assertNothingLeft();
    }

    @Test
    void theReceiverCanCancelAndTheSenderIsTold() throws Exception {
        try (RawPeer peer = rawSender("sender")) {
            IncomingStream stream = offer(peer, 1, 1, 3L * BLOCK);
            peer.send(new Frame.StreamFile(1, "f", 3L * BLOCK));
            peer.send(block(1, new byte[BLOCK]));
            peer.expect(Frame.StreamCredit.class);
            stream.cancel("owner is back");
            assertTrue(peer.expect(Frame.StreamReject.class).reason().contains("owner is back"));
            assertStreamFailed(stream.completion(), "owner is back");
            assertNothingLeft();
        }
    }

    @Test
    void theSenderCanCancelAndTheReceiverDeletesWhatItHas() throws Exception {
        try (RawPeer peer = rawSender("sender")) {
            CompletableFuture<Path> received = offer(peer, 1, 1, 3L * BLOCK).completion();
            peer.send(new Frame.StreamFile(1, "f", 3L * BLOCK));
            peer.send(block(1, new byte[BLOCK]));
            peer.expect(Frame.StreamCredit.class);
            peer.send(new Frame.StreamCancel(1, "job exited"));
            assertStreamFailed(received, "cancelled by sender: job exited");
            assertNothingLeft();
        }
    }

    @Test
    void aSenderNeverHasMoreThanItsCreditInFlightAndCanCancel() throws Exception {
        Path source = Files.createDirectory(tmp.resolve("source"));
        byte[] noise = new byte[20 * BLOCK];
        new Random(5).nextBytes(noise);
        Files.write(source.resolve("big"), noise);
        try (RawPeer receiver = RawPeer.listen(TlsContexts.server(
                pool.authority.admit(NodeId.of("slow"), Duration.ofHours(1)), TlsProvider.JDK))) {
            var connecting = node.connect(NodeId.of("slow"), receiver.address());
            receiver.hello("slow", 1);
            OutgoingStream stream = connecting.get(10, TimeUnit.SECONDS).sendDirectory(source, "job");
            receiver.expect(Frame.StreamOffer.class);
            int credit = 3 * BLOCK;
            receiver.send(new Frame.StreamAccept(stream.id(), credit, BLOCK));
            long inFlight = 0;
            for (int i = 0; i < 3; i++) {
                Frame.StreamBlock block = receiver.expect(Frame.StreamBlock.class);
                inFlight += block.rawLength();
                block.release();
            }
            assertEquals(credit, inFlight);
            assertThrows(AssertionError.class, () -> receiver.expectWithin(Frame.StreamBlock.class, 500));
            receiver.send(new Frame.StreamCredit(stream.id(), BLOCK));
            receiver.expect(Frame.StreamBlock.class).release();
            stream.cancel("changed my mind");
            assertTrue(receiver.expect(Frame.StreamCancel.class).reason().contains("changed my mind"));
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> stream.completion().get(5, TimeUnit.SECONDS));
            assertInstanceOf(StreamFailedException.class, e.getCause());
        }
    }

    @Test
    void anOfferTheReceiverDeclinesIsRefused() throws Exception {
        node.onStream(stream -> stream.refuse("no room"));
        Path source = Files.createDirectory(tmp.resolve("source"));
        TransportNode sender = pool.start("sender");
        var stream = TestPool.connect(sender, node).sendDirectory(source, "job");
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> stream.completion().get(5, TimeUnit.SECONDS));
        assertInstanceOf(RefusedException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("no room"));
    }

    @Test
    void aGrowingPartThatLeavesAGapEndsTheStream() throws Exception {
        try (RawPeer peer = rawSender("sender")) {
            CompletableFuture<Path> received = offerGrowing(peer, 1).completion();
            peer.send(new Frame.GrowingPart(1, "pages-1.img", 0));
            peer.send(block(1, new byte[10]));
            peer.expect(Frame.StreamCredit.class);
            peer.send(new Frame.GrowingPart(1, "pages-1.img", 20));
            String reason = peer.expect(Frame.StreamReject.class).reason();
            assertTrue(reason.contains("at offset 20, but 10 bytes of it have come"), reason);
            assertStreamFailed(received, "pages-1.img");
            assertNothingLeft();
        }
    }

    @Test
    void aGrowingPartOfANewFileMustStartAtItsBeginning() throws Exception {
        try (RawPeer peer = rawSender("sender")) {
            CompletableFuture<Path> received = offerGrowing(peer, 1).completion();
            peer.send(new Frame.GrowingPart(1, "core-1.img", 4096));
            assertTrue(peer.expect(Frame.StreamReject.class).reason().contains("at offset 4096, but 0 bytes"));
            assertStreamFailed(received, "core-1.img");
            assertNothingLeft();
        }
    }

    @Test
    void aGrowingPartNamedOutsideItsDirectoryEndsTheStream() throws Exception {
        try (RawPeer peer = rawSender("sender")) {
            CompletableFuture<Path> received = offerGrowing(peer, 1).completion();
            peer.send(new Frame.GrowingPart(1, "../x", 0));
            assertTrue(peer.expect(Frame.StreamReject.class).reason().contains("path separator"));
            assertStreamFailed(received, "'../x'");
            assertFalse(Files.exists(tmp.resolve("x")));
            assertNothingLeft();
        }
    }

    @Test
    void aGrowingEndThatDoesNotAddUpEndsTheStream() throws Exception {
        try (RawPeer peer = rawSender("sender")) {
            CompletableFuture<Path> received = offerGrowing(peer, 1).completion();
            peer.send(new Frame.GrowingPart(1, "f", 0));
            peer.send(block(1, new byte[10]));
            peer.send(new Frame.GrowingEnd(1, 1, 11));
            String reason = peer.expect(Frame.StreamReject.class).reason();
            assertTrue(reason.contains("1 files and 11 bytes announced; 1 files and 10 bytes came"), reason);
            assertStreamFailed(received, "10 bytes came");
            assertNothingLeft();
        }
    }

    @Test
    void aGrowingStreamOfMoreFilesThanTheLimitEndsTheStream() throws Exception {
        int limit = TestPool.SMALL_STREAMS.maxFiles();
        try (RawPeer peer = rawSender("sender")) {
            CompletableFuture<Path> received = offerGrowing(peer, 1).completion();
            for (int i = 0; i <= limit; i++) {
                peer.send(new Frame.GrowingPart(1, "empty-" + i, 0));
            }
            assertTrue(peer.expect(Frame.StreamReject.class).reason().contains("more files than the limit of " + limit));
            assertStreamFailed(received, "more files");
            assertNothingLeft();
        }
    }

    @Test
    void aFileThatShrinksWhileItIsSentFailsTheStreamOnBothSides() throws Exception {
        assertSenderFailsWhenTheWriter("shrank", file -> Files.write(file, new byte[10]));
    }

    @Test
    void aFileThatVanishesWhileItIsSentFailsTheStreamOnBothSides() throws Exception {
        assertSenderFailsWhenTheWriter("vanished while it was being sent", Files::delete);
    }

    @Test
    void aGrowingStreamCancelledBeforeTheWriterFinishesLeavesNothing() throws Exception {
        Path source = Files.createDirectory(tmp.resolve("source"));
        Files.write(source.resolve("pages-1.img"), new byte[3 * BLOCK]);
        OutgoingStream stream = growingStreamTo(source, "in-1");
        awaitReceived(tmp.resolve("in-1").resolve("pages-1.img"), BLOCK);
        stream.cancel("the job ended");
        ExecutionException e = assertThrows(ExecutionException.class, () -> stream.completion().get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("the job ended"), e.getCause().getMessage());
        assertStreamFailed(incoming.get(5, TimeUnit.SECONDS), "the job ended");
        assertNothingLeft();
    }

    /** What the writer does to a file that the stream has begun to send. */
    @FunctionalInterface
    private interface WriterMove {
        void apply(Path file) throws Exception;
    }

    private void assertSenderFailsWhenTheWriter(String reason, WriterMove move) throws Exception {
        Path source = Files.createDirectory(tmp.resolve("source"));
        Path pages = Files.write(source.resolve("pages-1.img"), new byte[3 * BLOCK]);
        OutgoingStream stream = growingStreamTo(source, "in-1");
        awaitReceived(tmp.resolve("in-1").resolve("pages-1.img"), BLOCK);
        move.apply(pages);
        ExecutionException e = assertThrows(ExecutionException.class, () -> stream.completion().get(5, TimeUnit.SECONDS));
        assertInstanceOf(StreamFailedException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains(reason), e.getCause().getMessage());
        assertStreamFailed(incoming.get(5, TimeUnit.SECONDS), reason);
        assertNothingLeft();
    }

    /** A real sender follows {@code source}; this node accepts the stream into {@code into}. */
    private OutgoingStream growingStreamTo(Path source, String into) throws Exception {
        OutgoingStream stream = TestPool.connect(pool.start("sender"), node).sendGrowingDirectory(source, "job");
        incoming.complete(offered.poll(5, TimeUnit.SECONDS).accept(tmp.resolve(into)));
        return stream;
    }

    /** Waits until at least {@code bytes} of {@code file} have arrived. */
    private static void awaitReceived(Path file, long bytes) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(file) || Files.size(file) < bytes) {
            assertTrue(System.nanoTime() < deadline, "no " + bytes + " bytes of " + file + " arrived");
            Thread.sleep(5);
        }
    }

    /** Offers a growing stream, has the node accept it into a fresh directory, waits for the accept. */
    private IncomingStream offerGrowing(RawPeer peer, long id) throws InterruptedException {
        peer.send(new Frame.GrowingOffer(id, "job-" + id));
        IncomingStream stream = offered.poll(5, TimeUnit.SECONDS);
        stream.accept(tmp.resolve("in-" + id));
        peer.expect(Frame.StreamAccept.class);
        return stream;
    }

    private RawPeer rawSender(String name) {
        RawPeer peer = RawPeer.connect(TlsContexts.client(pool.authority.admit(NodeId.of(name), Duration.ofHours(1)),
                TlsProvider.JDK), node.address());
        peer.hello(name, 1);
        peer.expect(Frame.Hello.class);
        return peer;
    }

    /** Offers a stream, has the node accept it into a fresh directory, waits for the accept. */
    private IncomingStream offer(RawPeer peer, long id, int files, long bytes) throws InterruptedException {
        peer.send(new Frame.StreamOffer(id, "job-" + id, files, bytes));
        IncomingStream stream = offered.poll(5, TimeUnit.SECONDS);
        stream.accept(tmp.resolve("in-" + id));
        peer.expect(Frame.StreamAccept.class);
        return stream;
    }

    private static Frame.StreamBlock block(long streamId, byte[] raw) {
        return BlockCodec.encode(streamId, ByteBufAllocator.DEFAULT.directBuffer(raw.length).writeBytes(raw),
                ByteBufAllocator.DEFAULT);
    }

    private static void assertStreamFailed(CompletableFuture<Path> received, String reason) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> received.get(5, TimeUnit.SECONDS));
        assertInstanceOf(StreamFailedException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains(reason), e.getCause().getMessage());
    }

    private void assertNothingLeft() throws Exception {
        try (var entries = Files.list(tmp)) {
            assertEquals(0, entries.filter(p -> p.getFileName().toString().startsWith("in-")).count());
        }
    }
}
