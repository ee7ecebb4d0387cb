package dev.ssi.daemon.home;

import dev.ssi.checkpoint.os.OwnerOnly;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * One job's output that its home delivered and its ssi-run does not have yet, on disk: a file of
 * a fixed capacity written round and round (byte {@code n} of the output at {@code n} modulo the
 * capacity), so that it never takes more room than that, however much the job writes. Its owner,
 * {@link HomeOutput}, never has more than the capacity between the oldest byte it keeps and the
 * newest.
 */
final class ReaderSpool implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final long capacity;

    private ReaderSpool(Path file, FileChannel channel, long capacity) {
        this.file = file;
        this.channel = channel;
        this.capacity = capacity;
    }

    /** A new, empty spool at {@code file} (0600; whatever was there is gone), of {@code capacity} bytes. */
    static ReaderSpool create(Path file, long capacity) throws IOException {
        Files.deleteIfExists(file);
        FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), OwnerOnly.FILE);
        return new ReaderSpool(file, channel, capacity);
    }

    long capacity() {
        return capacity;
    }

    /** Writes {@code data} as the output's bytes from {@code offset} on. */
    void write(long offset, byte[] data) throws IOException {
        int done = 0;
        while (done < data.length) {
            long at = (offset + done) % capacity;
            int n = (int) Math.min(data.length - done, capacity - at);
            ByteBuffer part = ByteBuffer.wrap(data, done, n);
            while (part.hasRemaining()) {
                channel.write(part, at + part.position() - done);
            }
            done += n;
        }
    }

    /** The output's {@code length} bytes from {@code offset}, written before. */
    byte[] read(long offset, int length) throws IOException {
        byte[] bytes = new byte[length];
        int done = 0;
        while (done < length) {
            long at = (offset + done) % capacity;
            int n = (int) Math.min(length - done, capacity - at);
            ByteBuffer part = ByteBuffer.wrap(bytes, done, n);
            while (part.hasRemaining()) {
                if (channel.read(part, at + part.position() - done) < 0) {
                    throw new IOException(file + " ends before byte " + (at + part.position() - done));
                }
            }
            done += n;
        }
        return bytes;
    }

    /** Closes and deletes the file: the output is all with its ssi-run, or nobody will want it. */
    @Override
    public void close() throws IOException {
        channel.close();
        Files.deleteIfExists(file);
    }
}
