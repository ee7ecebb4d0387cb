package dev.ssi.checkpoint.image;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One CRIU image file as CRIU 4 writes it: the common magic word, the magic word of its kind,
 * then entries, each a 32-bit little-endian length and that many bytes of one protobuf message.
 * An entry larger than {@link #MOST_ENTRY_BYTES} is refused before it is read.
 */
final class ImageFile implements AutoCloseable {
    static final int COMMON_MAGIC = 0x54564319;
    /** Far above any entry CRIU writes (a core is a few KiB, an mm entry with 65,530 mappings a few MiB). */
    static final int MOST_ENTRY_BYTES = 16 << 20;

    private final String name;
    private final InputStream in;

    private ImageFile(String name, InputStream in) {
        this.name = name;
        this.in = in;
    }

    /** Opens {@code name} in {@code dir}, a regular file whose magic words say it is of the kind {@code magic} names. */
    static ImageFile open(Path dir, String name, int magic) throws BadImageException {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new BadImageException(name + " is missing");
        }
        ImageFile image;
        try {
            image = new ImageFile(name, new BufferedInputStream(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)));
        } catch (IOException e) {
            throw new BadImageException("cannot read " + name, e);
        }
        try {
            int common = image.word().orElseThrow(() -> new BadImageException(name + " is empty"));
            int kind = image.word().orElseThrow(() -> new BadImageException(name + " ends within its magic words"));
            if (common != COMMON_MAGIC || kind != magic) {
                throw new BadImageException(name + " is not the CRIU image it should be: magic words 0x"
                        + Integer.toHexString(common) + " 0x" + Integer.toHexString(kind) + ", not 0x"
                        + Integer.toHexString(COMMON_MAGIC) + " 0x" + Integer.toHexString(magic));
            }
            return image;
        } catch (BadImageException e) {
            image.close();
            throw e;
        }
    }

    /** The first entry, parsed: what CRIU reads of a file it expects one entry in. */
    <T> T first(Parser<T> parser) throws BadImageException {
        return parse(next().orElseThrow(() -> new BadImageException(name + " holds no entry")), parser);
    }

    /** The next entry, parsed, or empty at the end of the file. */
    <T> Optional<T> next(Parser<T> parser) throws BadImageException {
        Optional<byte[]> entry = next();
        return entry.isPresent() ? Optional.of(parse(entry.get(), parser)) : Optional.empty();
    }

    private <T> T parse(byte[] entry, Parser<T> parser) throws BadImageException {
        try {
            return parser.parseFrom(entry);
        } catch (InvalidProtocolBufferException e) {
            throw new BadImageException(name + " holds a malformed entry", e);
        }
    }

    private Optional<byte[]> next() throws BadImageException {
        Optional<Integer> length = word();
        if (length.isEmpty()) {
            return Optional.empty();
        }
        long size = Integer.toUnsignedLong(length.get());
        if (size > MOST_ENTRY_BYTES) {
            throw new BadImageException(name + " has an entry of " + size + " bytes, beyond the " + MOST_ENTRY_BYTES
                    + " an image entry may have");
        }
        byte[] entry = readFully((int) size);
        if (entry == null) {
            throw new BadImageException(name + " ends within an entry of " + size + " bytes");
        }
        return Optional.of(entry);
    }

    /** A little-endian 32-bit word, or empty at a clean end of the file. */
    private Optional<Integer> word() throws BadImageException {
        byte[] b = readFully(4);
        if (b == null) {
            return Optional.empty();
        }
        return Optional.of((b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24);
    }

    /** {@code n} bytes; null at a clean end of the file; refused when it ends within them. */
    private byte[] readFully(int n) throws BadImageException {
        try {
            byte[] b = in.readNBytes(n);
            if (b.length == 0 && n > 0) {
                return null;
            }
            if (b.length < n) {
                throw new BadImageException(name + " ends within " + n + " bytes it should have");
            }
            return b;
        } catch (IOException e) {
            throw new BadImageException("cannot read " + name, e);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // Read-only: nothing to lose.
        }
    }
}
