package dev.ssi.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.checkpoint.os.ExitStatus;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a checkpoint or restore can fail says what went wrong and leaves nothing behind:
 * no CRIU, no half-restored tree, no job left stopped.
 */
@Timeout(60)
class FailurePathsTest {
    private static Criu criu;

    @TempDir
    Path tmp;

    @BeforeAll
    static void locateCriu() throws CriuException {
        criu = Criu.locate().withAnswerTimeout(java.time.Duration.ofSeconds(15));
    }

    @AfterEach
    void nothingOfOursIsLeftRunning() {
        List<String> left = ProcessHandle.current().descendants()
                .map(h -> h.pid() + " " + h.info().command().orElse("?")).toList();
        assertEquals(List.of(), left, "processes left behind");
    }

    @Test
    void dumpOfAPidThatDoesNotExist() {
        CriuException e = assertThrows(CriuException.class,
                () -> criu.dump(DumpSpec.of(999_999_999, tmp.resolve("img"), tmp.resolve("work"))));
        assertEquals("dump of pid 999999999", e.step());
        assertTrue(e.getMessage().contains("no process has pid 999999999"), e.getMessage());
    }

    @Test
    void dumpOfAProcessThatIsNotAJobRootShowsCriusOwnWords() throws Exception {
        Process plain = new ProcessBuilder("sleep", "30").start();
        try {
            CriuException e = assertThrows(CriuException.class,
                    () -> criu.dump(DumpSpec.of((int) plain.pid(), tmp.resolve("img"), tmp.resolve("work"))));
            assertFalse(e.logTail().isEmpty(), "the tail of CRIU's log is in the error");
            assertTrue(plain.isAlive(), "a refused dump leaves the process running");
            assertEquals('S', state((int) plain.pid()));
        } finally {
            plain.destroyForcibly().waitFor();
        }
    }

    @Test
    void dumpWhileCriuIsMissingLeavesTheJobRunning() throws Exception {
        try (ShimJob job = ShimJob.start("sh", "-c", CheckpointRestoreTest.COUNTER.formatted(200))) {
            job.awaitLines(5);
            CriuException e = assertThrows(CriuException.class, () -> Criu.at(tmp.resolve("no-criu"))
                    .dump(DumpSpec.of(job.root(), tmp.resolve("img"), tmp.resolve("work"))));
            assertTrue(e.getMessage().contains("cannot start CRIU"), e.getMessage());
            assertEquals(ExitStatus.exited(0), job.reapLauncher());
            assertEquals(CheckpointRestoreTest.numbers(200), job.awaitOutput());
        }
    }

    @Test
    void restoreFromAMissingDirectory() {
        CriuException e = assertThrows(CriuException.class,
                () -> criu.restore(RestoreSpec.of(tmp.resolve("never-dumped"), tmp.resolve("work"))));
        assertTrue(e.getMessage().contains("cannot open its directories"), e.getMessage());
    }

    @Test
    void restoreFromAnEmptyDirectory() throws Exception {
        Files.createDirectories(tmp.resolve("empty"));
        CriuException e = assertThrows(CriuException.class,
                () -> criu.restore(RestoreSpec.of(tmp.resolve("empty"), tmp.resolve("work"))));
        assertEquals("restore from " + tmp.resolve("empty"), e.step());
    }

    @Test
    void restoreWithTruncatedPages() throws Exception {
        assertRestoreFailsCleanly(img -> truncateHalf(largest(img, "pages-")));
    }

    @Test
    void restoreWithACorruptedCoreImage() throws Exception {
        assertRestoreFailsCleanly(img -> flipBytes(largest(img, "core-")));
    }

    @Test
    void restoreWithoutTheProcessTreeImage() throws Exception {
        assertRestoreFailsCleanly(img -> delete(img.resolve("pstree.img")));
    }

    @Test
    void restoreWithTruncatedMemoryMap() throws Exception {
        assertRestoreFailsCleanly(img -> truncateHalf(largest(img, "mm-")));
    }

    private void assertRestoreFailsCleanly(Consumer<Path> damage) throws Exception {
        Path img = tmp.resolve("img");
        try (ShimJob job = ShimJob.start("sh", "-c", CheckpointRestoreTest.COUNTER.formatted(100_000))) {
            job.awaitLines(5);
            criu.dump(DumpSpec.of(job.root(), img, tmp.resolve("work")));
            job.reapLauncher();
            damage.accept(img);
            CriuException e = assertThrows(CriuException.class,
                    () -> job.restoreFrom(criu, RestoreSpec.of(img, tmp.resolve("work"))));
            assertEquals("restore from " + img, e.step());
            assertTrue(e.getMessage().contains("failed: "), e.getMessage());
        }
    }

    private static Path largest(Path dir, String prefix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length()))
                    .orElseThrow(() -> new AssertionError("no " + prefix + " image in " + dir));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void truncateHalf(Path file) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void flipBytes(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            for (int i = 8; i < bytes.length; i += 7) {
                bytes[i] ^= (byte) 0x5a;
            }
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static char state(int pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }
}
