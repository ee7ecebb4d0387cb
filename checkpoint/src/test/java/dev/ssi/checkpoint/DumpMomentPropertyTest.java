package dev.ssi.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ssi.checkpoint.os.ExitStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Wherever in its run a job is dumped, its restored output neither loses nor repeats a line. */
class DumpMomentPropertyTest {

    @Property(tries = 4)
    void anyMomentOfTheDumpLosesAndRepeatsNothing(@ForAll @IntRange(min = 1, max = 150) int linesBeforeDump)
            throws Exception {
        Criu criu = Criu.locate();
        Path dir = Files.createTempDirectory("ssi-prop-");
        try (ShimJob job = ShimJob.start("sh", "-c", CheckpointRestoreTest.COUNTER.formatted(200))) {
            job.awaitLines(linesBeforeDump);
            criu.dump(DumpSpec.of(job.root(), dir.resolve("img"), dir.resolve("work")));
            job.reapLauncher();
            RestoredTree tree = job.restoreFrom(criu, RestoreSpec.of(dir.resolve("img"), dir.resolve("work")));
            assertEquals(ExitStatus.exited(0), tree.waitFor());
            assertEquals(CheckpointRestoreTest.numbers(200), job.awaitOutput());
        } finally {
            ScratchDir.deleteTree(dir);
        }
    }

}
