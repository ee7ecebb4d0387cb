package dev.ssi.transport.trust;

import dev.ssi.transport.NodeId;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** What a node proves itself with: its key, its certificate, and the pool CA it trusts. */
public final class NodeIdentity {
    public static final String KEY_FILE = "node.key";
    public static final String CERTIFICATE_FILE = "node.crt";
    public static final String POOL_CERTIFICATE_FILE = "pool.crt";

    private final NodeId id;
    private final PrivateKey key;
    private final X509Certificate certificate;
    private final X509Certificate poolCertificate;

    NodeIdentity(NodeId id, PrivateKey key, X509Certificate certificate, X509Certificate poolCertificate) {
        this.id = id;
        this.key = key;
        this.certificate = certificate;
        this.poolCertificate = poolCertificate;
    }

    /** Reads the three files that admitting the node produced. */
    public static NodeIdentity load(Path directory) {
        X509Certificate certificate = Pem.readCertificate(directory.resolve(CERTIFICATE_FILE));
        return new NodeIdentity(NodeId.of(Certificates.commonName(certificate)),
                Pem.readPrivateKey(directory.resolve(KEY_FILE)), certificate,
                Pem.readCertificate(directory.resolve(POOL_CERTIFICATE_FILE)));
    }

    public void save(Path directory) {
        PoolAuthority.createDirectories(directory);
        Pem.writePrivateKey(directory.resolve(KEY_FILE), key);
        Pem.writeCertificate(directory.resolve(CERTIFICATE_FILE), certificate);
        Pem.writeCertificate(directory.resolve(POOL_CERTIFICATE_FILE), poolCertificate);
    }

    public NodeId id() {
        return id;
    }

    PrivateKey key() {
        return key;
    }

    X509Certificate certificate() {
        return certificate;
    }

    X509Certificate poolCertificate() {
        return poolCertificate;
    }

    /** The node id a peer's certificate proves. */
    public static NodeId nodeIdOf(X509Certificate peerCertificate) {
        return NodeId.of(Certificates.commonName(peerCertificate));
    }
}
