package dev.ssi.transport.connection;

import dev.ssi.transport.stream.StreamSettings;
import dev.ssi.transport.trust.TlsProvider;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;

/**
 * How a node listens and talks. {@code ioThreads} run Netty's event loops; {@code bulkThreads}
 * read, compress, decompress and write stream files; {@code handlerThreads} run the daemon's
 * message, call and stream handlers; {@code limits} bound what each peer connection holds.
 */
public record TransportConfig(InetSocketAddress listen, TlsProvider tls, StreamSettings streams,
                              Set<String> capabilities, Duration handshakeTimeout,
                              int ioThreads, int bulkThreads, int handlerThreads, PeerLimits limits) {
    public static final int MIN_FRAME_LENGTH = 1 << 20;

    public TransportConfig {
        capabilities = Set.copyOf(capabilities);
    }

    public static TransportConfig defaults(InetSocketAddress listen) {
        int cores = Runtime.getRuntime().availableProcessors();
        return new TransportConfig(listen, TlsProvider.preferred(), StreamSettings.DEFAULTS, Set.of(),
                Duration.ofSeconds(10), Math.min(2, cores), Math.max(2, cores), 2, PeerLimits.DEFAULTS);
    }

    public TransportConfig withTls(TlsProvider provider) {
        return new TransportConfig(listen, provider, streams, capabilities, handshakeTimeout, ioThreads,
                bulkThreads, handlerThreads, limits);
    }

    public TransportConfig withStreams(StreamSettings settings) {
        return new TransportConfig(listen, tls, settings, capabilities, handshakeTimeout, ioThreads,
                bulkThreads, handlerThreads, limits);
    }

    public TransportConfig withCapabilities(Set<String> offered) {
        return new TransportConfig(listen, tls, streams, offered, handshakeTimeout, ioThreads,
                bulkThreads, handlerThreads, limits);
    }

    public TransportConfig withLimits(PeerLimits peerLimits) {
        return new TransportConfig(listen, tls, streams, capabilities, handshakeTimeout, ioThreads,
                bulkThreads, handlerThreads, peerLimits);
    }

    /** The hard limit on any frame, both ways: a block at its worst, and never under 1 MiB. */
    public int maxFrameLength() {
        return Math.max(MIN_FRAME_LENGTH, streams.maxBlockFrameLength());
    }
}
