package dev.ssi.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a node learns about itself through our client: version, check, features, fingerprint. */
class CriuNodeTest {
    private static Criu criu;

    @BeforeAll
    static void locateCriu() throws CriuException {
        criu = Criu.locate();
    }

    @Test
    void speaksToCriuFourOrNewer() throws CriuException {
        CriuVersion v = criu.version();
        assertTrue(v.atLeast(4, 0), "CRIU " + v);
    }

    @Test
    void kernelPassesCriuCheck() throws CriuException {
        criu.check();
    }

    @Test
    void probesFeaturesTheSameWayTwice() throws CriuException {
        CriuFeatures first = criu.features();
        assertEquals(first, Criu.at(criu.binary()).features());
    }

    @Test
    void fingerprintNamesKernelAndCriuAndIsStable() throws Exception {
        NodeFingerprint f = criu.fingerprint();
        assertEquals(Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip(), f.kernel());
        assertEquals(criu.version(), f.criu());
        assertTrue(f.cpuinfoImage().length > 8);
        assertEquals(f, criu.fingerprint());
        assertArrayEquals(f.cpuinfoImage(), criu.fingerprint().cpuinfoImage());
    }

    @Test
    void ownCpuIsCompatibleWithItself() throws CriuException {
        criu.checkCpuCompatible(criu.fingerprint().cpuinfoImage());
    }

    @Test
    void garbageCpuImageIsRefusedWithCriusReason() {
        CriuException e = assertThrows(CriuException.class,
                () -> criu.checkCpuCompatible(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
        assertEquals("CPU compatibility check", e.step());
    }

    @Test
    void missingCriuIsAClearError() {
        CriuException e = assertThrows(CriuException.class, () -> Criu.at(Path.of("/nonexistent/criu")).version());
        assertTrue(e.getMessage().contains("cannot start CRIU (/nonexistent/criu)"), e.getMessage());
        assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
    }
}
