package dev.ssi.pool;

import dev.ssi.transport.NodeId;
import dev.ssi.transport.trust.PoolAuthority;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A local pool's certificate authority and a certificate per node. The CA's key stays in the
 * workstation's directory, where the pool was made; each node's directory gets only its own key
 * and certificate and the pool's certificate.
 */
final class PoolCertificates {
    /** A local pool lives until reboot at most; a year leaves any clock skew far behind. */
    private static final Duration VALIDITY = Duration.ofDays(365);

    private PoolCertificates() {}

    static void issue(String poolId, Path authorityDir, List<PoolNode> nodes) {
        PoolAuthority authority = PoolAuthority.create(poolId, VALIDITY);
        authority.save(authorityDir);
        for (PoolNode node : nodes) {
            authority.admit(NodeId.of(node.name()), VALIDITY).save(node.identityDir());
        }
    }
}
