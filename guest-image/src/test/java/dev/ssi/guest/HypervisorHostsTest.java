package dev.ssi.guest;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The set-up the real-QEMU guest tests share: two {@link HypervisorHosts} made before each test
 * (as root only: they are network namespaces) and taken down after it, whatever state it left,
 * and the test guest's kernel and initrd.
 */
abstract class HypervisorHostsTest {
    static final Path TEST_GUEST = Path.of(System.getProperty("ssi.testGuest", "target/test-guest"));

    @TempDir
    Path dir;

    HypervisorHosts hosts;

    @BeforeEach
    void makeHosts() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "hypervisor hosts are network namespaces: root only");
        hosts = new HypervisorHosts(dir);
    }

    @AfterEach
    void removeHosts() {
        if (hosts != null) {
            hosts.close();
        }
    }
}
