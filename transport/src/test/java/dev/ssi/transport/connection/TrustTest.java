package dev.ssi.transport.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.transport.CallType;
import dev.ssi.transport.Codec;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.PeerGoneException;
import dev.ssi.transport.RefusedException;
import dev.ssi.transport.trust.NodeIdentity;
import dev.ssi.transport.trust.PoolAuthority;
import dev.ssi.transport.trust.TlsContexts;
import dev.ssi.transport.trust.TlsProvider;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TrustTest {
    private static final CallType<String, String> ECHO = new CallType<>("echo", Codec.UTF8, Codec.UTF8);

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void nodesOfOnePoolTalkOverEitherTlsProvider(TlsProvider provider) throws Exception {
        try (TestPool pool = new TestPool()) {
            TransportNode a = TransportNode.start(pool.authority.admit(NodeId.of("a"), Duration.ofHours(1)),
                    TestPool.config().withTls(provider));
            TransportNode b = TransportNode.start(pool.authority.admit(NodeId.of("b"), Duration.ofHours(1)),
                    TestPool.config().withTls(provider));
            try {
                b.onCall(ECHO, (from, text) -> java.util.concurrent.CompletableFuture.completedFuture(from + ":" + text));
                Peer peer = TestPool.connect(a, b);
                assertEquals(NodeId.of("b"), peer.id());
                assertEquals("a:hi", peer.call(ECHO, "hi", Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS));
            } finally {
                a.close();
                b.close();
            }
        }
    }

    @Test
    void aNodeOfAnotherPoolIsRefusedAndTheServerKeepsServing() {
        try (TestPool pool = new TestPool(); TestPool otherPool = new TestPool()) {
            TransportNode server = pool.start("server");
            TransportNode stranger = otherPool.start("stranger");
            assertRefused(stranger.connect(server.id(), server.address()));
            assertTrue(server.peers().isEmpty());
            assertTrue(TestPool.connect(pool.start("member"), server).isOpen());
        }
    }

    @Test
    void aNodeWithAnExpiredCertificateIsRefused() {
        try (TestPool pool = new TestPool()) {
            TransportNode server = pool.start("server");
            NodeIdentity expired = pool.authority.admit(NodeId.of("old"), Instant.now().minus(Duration.ofDays(2)),
                    Instant.now().minus(Duration.ofDays(1)));
            assertRefused(pool.start(expired).connect(server.id(), server.address()));
            assertTrue(server.peers().isEmpty());
        }
    }

    @Test
    void aServerWithAnExpiredCertificateIsRefused() {
        try (TestPool pool = new TestPool()) {
            TransportNode expiredServer = pool.start(pool.authority.admit(NodeId.of("old"),
                    Instant.now().minus(Duration.ofDays(2)), Instant.now().minus(Duration.ofDays(1))));
            assertRefused(pool.start("client").connect(expiredServer.id(), expiredServer.address()));
        }
    }

    @Test
    void aClientWithoutACertificateGetsOnlyAClosedConnection() throws Exception {
        try (TestPool pool = new TestPool()) {
            TransportNode server = pool.start("server");
            var anonymous = SslContextBuilder.forClient().trustManager(pool.authority.certificate())
                    .endpointIdentificationAlgorithm(null).protocols("TLSv1.3").build();
            try (RawPeer raw = RawPeer.connect(anonymous, server.address())) {
                assertTrue(raw.closedWithin(10));
            }
            assertTrue(server.peers().isEmpty());
        }
    }

    @Test
    void aCertificateForAnotherNodeThanTheOneDialedIsRefused() {
        try (TestPool pool = new TestPool()) {
            TransportNode server = pool.start("server");
            CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                    () -> pool.start("client").connect(NodeId.of("someone-else"), server.address()).join());
            assertInstanceOf(RefusedException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("expected node someone-else"), e.getCause().getMessage());
        }
    }

    @Test
    void aHelloClaimingAnotherNodeIdThanTheCertificateIsRefused() {
        try (TestPool pool = new TestPool()) {
            TransportNode server = pool.start("server");
            NodeIdentity mallory = pool.authority.admit(NodeId.of("mallory"), Duration.ofHours(1));
            try (RawPeer raw = RawPeer.connect(TlsContexts.client(mallory, TlsProvider.JDK), server.address())) {
                raw.hello("server-admin", 1);
                assertTrue(raw.expect(dev.ssi.transport.wire.Frame.Close.class).reason()
                        .contains("certificate is mallory's"));
                assertTrue(raw.closedWithin(5));
            }
            assertTrue(server.peers().isEmpty());
        }
    }

    @Test
    void identitiesSurviveBeingWrittenToFilesAndReadBack(@TempDir Path dir) {
        PoolAuthority authority = PoolAuthority.create("files", Duration.ofDays(1));
        authority.save(dir.resolve("ca"));
        PoolAuthority reloaded = PoolAuthority.load(dir.resolve("ca"));
        reloaded.admit(NodeId.of("n1"), Duration.ofDays(1)).save(dir.resolve("n1"));
        authority.admit(NodeId.of("n2"), Duration.ofDays(1)).save(dir.resolve("n2"));
        try (TestPool pool = new TestPool()) {
            TransportNode n1 = pool.start(NodeIdentity.load(dir.resolve("n1")));
            TransportNode n2 = pool.start(NodeIdentity.load(dir.resolve("n2")));
            assertEquals(NodeId.of("n1"), n1.id());
            assertTrue(TestPool.connect(n2, n1).isOpen());
        }
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(uncheckedPermissions(
                dir.resolve("n1").resolve(NodeIdentity.KEY_FILE))));
    }

    private static java.util.Set<java.nio.file.attribute.PosixFilePermission> uncheckedPermissions(Path file) {
        try {
            return java.nio.file.Files.getPosixFilePermissions(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void assertRefused(java.util.concurrent.CompletableFuture<Peer> connecting) {
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                connecting::join);
        assertTrue(e.getCause() instanceof RefusedException || e.getCause() instanceof PeerGoneException,
                "refused, not " + e.getCause());
    }
}
