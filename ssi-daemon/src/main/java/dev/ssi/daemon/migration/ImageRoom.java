package dev.ssi.daemon.migration;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether the disk that takes incoming images has room for an offered job's, with a margin
 * left over (a twentieth of the disk, and at least {@link #MIN_MARGIN_BYTES}): checked when the
 * offer comes, before the first byte streams.
 */
final class ImageRoom {
    static final long MIN_MARGIN_BYTES = 64L << 20;

    private final Path dir;

    ImageRoom(Path dir) {
        this.dir = dir;
    }

    /** Why images of about {@code imageBytes} do not fit; empty when they do. */
    Optional<String> refusal(long imageBytes) {
        try {
            Files.createDirectories(dir);
            FileStore disk = Files.getFileStore(dir);
            long margin = Math.max(MIN_MARGIN_BYTES, disk.getTotalSpace() / 20);
            long usable = disk.getUsableSpace();
            if (imageBytes < 0 || imageBytes > usable - margin) {
                return Optional.of("its images (about " + Long.toUnsignedString(imageBytes) + " bytes) do not fit in the "
                        + usable + " bytes left on the image disk, less a margin of " + margin);
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot tell the room left on the image disk: " + e.getMessage());
        }
    }
}
