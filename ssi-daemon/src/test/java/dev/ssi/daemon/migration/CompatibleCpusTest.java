package dev.ssi.daemon.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import dev.ssi.checkpoint.Criu;
import dev.ssi.checkpoint.CriuException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real CRIU, behind a wrapper that counts how often it is started. */
class CompatibleCpusTest {
    @TempDir
    Path dir;
    private Path starts;
    private CompatibleCpus cpus;
    private ByteString ownCpu;

    @BeforeEach
    void countingCriu() throws Exception {
        Criu real = Criu.locate();
        ownCpu = ByteString.copyFrom(real.fingerprint().cpuinfoImage());
        starts = dir.resolve("starts");
        Path wrapper = dir.resolve("criu");
        Files.writeString(wrapper, "#!/bin/sh\necho >> '" + starts + "'\nexec '" + real.binary() + "' \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        cpus = new CompatibleCpus(Criu.at(wrapper));
    }

    @Test
    void aCpuCriuAcceptedOnceIsNotCheckedAgain() throws Exception {
        cpus.check(ownCpu);
        cpus.check(ownCpu);
        cpus.check(ByteString.copyFrom(ownCpu.toByteArray()));
        assertEquals(1, criuStarts());
    }

    @Test
    void aRefusedCpuIsRefusedEveryTimeItIsOffered() throws Exception {
        ByteString garbage = ByteString.copyFromUtf8("not a cpuinfo image");
        assertThrows(CriuException.class, () -> cpus.check(garbage));
        assertThrows(CriuException.class, () -> cpus.check(garbage));
        assertEquals(2, criuStarts());
    }

    private long criuStarts() throws Exception {
        return Files.exists(starts) ? Files.readAllLines(starts).size() : 0;
    }
}
