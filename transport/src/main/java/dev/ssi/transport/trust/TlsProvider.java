package dev.ssi.transport.trust;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/** Which TLS implementation carries peer connections. */
public enum TlsProvider {
    /** BoringSSL through netty-tcnative: the faster one (see BENCHMARK.md). */
    OPENSSL(SslProvider.OPENSSL),
    /** The JDK's own SSLEngine: always there. */
    JDK(SslProvider.JDK);

    private final SslProvider netty;

    TlsProvider(SslProvider netty) {
        this.netty = netty;
    }

    SslProvider netty() {
        return netty;
    }

    /** BoringSSL where its native library loads, the JDK otherwise. */
    public static TlsProvider preferred() {
        return OpenSsl.isAvailable() ? OPENSSL : JDK;
    }
}
