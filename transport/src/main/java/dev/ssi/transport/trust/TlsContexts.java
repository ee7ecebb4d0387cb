package dev.ssi.transport.trust;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;

/**
 * Mutual TLS 1.3 against the pool CA, both ways: each side presents its node certificate and
 * accepts only a peer certificate the pool CA signed and that is valid now. Host names are not
 * checked; the node id in the certificate is (by the handshake).
 */
public final class TlsContexts {
    private static final String[] PROTOCOLS = {"TLSv1.3"};

    private TlsContexts() {
    }

    public static SslContext server(NodeIdentity identity, TlsProvider provider) {
        try {
            return SslContextBuilder.forServer(identity.key(), identity.certificate())
                    .trustManager(identity.poolCertificate())
                    .clientAuth(ClientAuth.REQUIRE)
                    .sslProvider(provider.netty())
                    .protocols(PROTOCOLS)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS server: " + e.getMessage(), e);
        }
    }

    public static SslContext client(NodeIdentity identity, TlsProvider provider) {
        try {
            return SslContextBuilder.forClient()
                    .endpointIdentificationAlgorithm(null)
                    .keyManager(identity.key(), identity.certificate())
                    .trustManager(identity.poolCertificate())
                    .sslProvider(provider.netty())
                    .protocols(PROTOCOLS)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS client: " + e.getMessage(), e);
        }
    }
}
