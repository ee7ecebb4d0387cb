package dev.ssi.checkpoint;

import dev.ssi.checkpoint.os.Descriptors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A temporary directory, open as a descriptor for CRIU, removed with everything in it on close. */
final class ScratchDir implements AutoCloseable {
    private final Path path;
    private final int fd;

    private ScratchDir(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    static ScratchDir create(String step) throws CriuException {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("ssi-criu-");
            return new ScratchDir(dir, Descriptors.openDirectory(dir));
        } catch (IOException e) {
            if (dir != null) {
                deleteTree(dir);
            }
            throw new CriuException(step, "cannot make a scratch directory", e);
        }
    }

    Path path() {
        return path;
    }

    int fd() {
        return fd;
    }

    @Override
    public void close() {
        Descriptors.closeQuietly(fd);
        deleteTree(path);
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // Already gone, or a leftover in the temporary directory: nothing to act on.
        }
    }
}
