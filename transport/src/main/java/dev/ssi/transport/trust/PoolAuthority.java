package dev.ssi.transport.trust;

import dev.ssi.transport.NodeId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/**
 * The pool's certificate authority. Creating a pool creates one; admitting a node issues it a
 * certificate whose common name is the node id. The CA's private key stays where the pool was
 * created: only {@code pool.crt}, {@code node.crt} and {@code node.key} go to the new node.
 */
public final class PoolAuthority {
    public static final String KEY_FILE = "ca.key";
    public static final String CERTIFICATE_FILE = "ca.crt";
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private final PrivateKey key;
    private final X509Certificate certificate;

    private PoolAuthority(PrivateKey key, X509Certificate certificate) {
        this.key = key;
        this.certificate = certificate;
    }

    public static PoolAuthority create(String poolName, Duration validity) {
        KeyPair keys = Certificates.newKeyPair();
        Instant now = Instant.now();
        return new PoolAuthority(keys.getPrivate(), Certificates.selfSignedAuthority(
                "ssi pool " + poolName, keys, now.minus(CLOCK_SKEW), now.plus(validity)));
    }

    public static PoolAuthority load(Path directory) {
        return new PoolAuthority(Pem.readPrivateKey(directory.resolve(KEY_FILE)),
                Pem.readCertificate(directory.resolve(CERTIFICATE_FILE)));
    }

    public void save(Path directory) {
        createDirectories(directory);
        Pem.writePrivateKey(directory.resolve(KEY_FILE), key);
        Pem.writeCertificate(directory.resolve(CERTIFICATE_FILE), certificate);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** A new key and certificate for a node, valid from now for the given time. */
    public NodeIdentity admit(NodeId node, Duration validity) {
        Instant now = Instant.now();
        return admit(node, now.minus(CLOCK_SKEW), now.plus(validity));
    }

    public NodeIdentity admit(NodeId node, Instant notBefore, Instant notAfter) {
        KeyPair keys = Certificates.newKeyPair();
        return new NodeIdentity(node, keys.getPrivate(),
                Certificates.node(node, keys, certificate, key, notBefore, notAfter), certificate);
    }

    static void createDirectories(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
    }
}
