package dev.ssi.transport.stream;

import dev.ssi.transport.wire.Frame;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What one outgoing stream sends, step by step: the files of a directory as they are, or of one
 * whose files are still being written. All run on the stream's serial executor.
 */
abstract sealed class OutgoingFiles permits OutgoingWholeFiles, OutgoingGrowingFiles {
    protected final Path directory;
    /** The file being sent, its channel, and where its next block starts. */
    protected String current;
    protected FileChannel file;
    protected long position;

    OutgoingFiles(Path directory) {
        this.directory = directory;
    }

    /** Looks at the directory; the frame that offers it. */
    abstract Frame.StreamFrame offer(long streamId, String label) throws IOException;

    /** What to send next. A frame it returns counts as sent; a block is sent by {@link #read}. */
    abstract Next next(long streamId, int blockLength) throws IOException;

    /** The writer has finished: what remains is sent, then the end. Nothing for a directory sent as it is. */
    abstract void writerFinished();

    /** How many files were sent, once the end was. */
    abstract int files();

    /** Opens {@code name} of the directory to send from {@code from}. */
    final void open(String name, long from) throws IOException {
        file = FileChannel.open(directory.resolve(name), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        current = name;
        position = from;
    }

    /** Reads the block that {@link #next} announced into {@code raw}, which has room for exactly it. */
    void read(ByteBuf raw) throws IOException {
        int length = raw.writableBytes();
        while (raw.writableBytes() > 0) {
            if (raw.writeBytes(file, position + raw.readableBytes(), raw.writableBytes()) < 0) {
                throw new IOException("file shrank while it was being sent");
            }
        }
        position += length;
    }

    /** The file being sent, for messages. */
    final String currentName() {
        return current != null ? current : directory.toString();
    }

    /** Closes what is open. */
    final void close() {
        file = Channels.closeQuietly(file);
    }

    /** The next step of a stream. */
    sealed interface Next {
        /** A frame that starts a file or a part of one. */
        record Header(Frame.StreamFrame frame) implements Next {}

        /** A block of this many bytes of the current file, once credit allows. */
        record Block(int length) implements Next {}

        /** The stream's last frame. */
        record End(Frame.StreamFrame frame) implements Next {}

        /** Nothing to send yet; look again after this many milliseconds. */
        record Later(long millis) implements Next {}
    }
}
