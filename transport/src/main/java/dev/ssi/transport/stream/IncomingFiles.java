package dev.ssi.transport.stream;

import dev.ssi.transport.wire.Frame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The files of one incoming stream as its sender announces them, checked against the
 * receiver's limits as they come: whole files of announced sizes, or parts of files that were
 * still being written. Every method throws {@link StreamProblem} for a sender that breaks the
 * rules; all run on the stream's serial executor.
 */
abstract sealed class IncomingFiles permits IncomingWholeFiles, IncomingGrowingFiles {
    private static final Set<OpenOption> CREATE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);
    /** Images are for the receiver's eyes alone: 0600, whatever the umask. */
    private static final FileAttribute<?> OWNER_ONLY = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------"));
    private static final OpenOption[] CONTINUE = {StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS};

    protected final StreamSettings settings;
    private Path directory;
    /** The file being received and its channel, open while its bytes come. */
    protected String current;
    protected FileChannel file;

    IncomingFiles(StreamSettings settings) {
        this.settings = settings;
    }

    /** Why the offer itself is out of bounds, or null. */
    abstract String problemWithOffer();

    /** From now on files are created in {@code fresh}, a new and empty directory. */
    final void receiveInto(Path fresh) {
        directory = fresh;
    }

    /** Takes a frame that starts a file or a part, or ends the stream; true when it was a complete end. */
    final boolean take(Frame.StreamFrame frame) throws IOException {
        if (starts(frame)) {
            return false;
        }
        if (ends(frame)) {
            return true;
        }
        throw new StreamProblem("unexpected " + frame.getClass().getSimpleName() + " from the sender");
    }

    /** Whether {@code frame} starts a file or part of this kind of stream; if so, it is checked and taken. */
    abstract boolean starts(Frame.StreamFrame frame) throws IOException;

    /** Whether {@code frame} is this kind of stream's end; if so, it is checked against what came. */
    abstract boolean ends(Frame.StreamFrame frame);

    /** Checks that a block of {@code rawLength} bytes may come now. */
    abstract void admit(int rawLength);

    /** Writes an admitted block's checked bytes where the current file goes on. */
    abstract void write(ByteBuffer raw) throws IOException;

    /** Opens {@code name} in the receiving directory: created, or to go on with. */
    final void open(String name, boolean create) throws IOException {
        String problem = FileNames.problemWith(name);
        if (problem != null) {
            throw new StreamProblem(problem);
        }
        file = Channels.closeQuietly(file);
        current = name;
        try {
            file = create ? FileChannel.open(directory.resolve(name), CREATE, OWNER_ONLY)
                    : FileChannel.open(directory.resolve(name), CONTINUE);
        } catch (FileAlreadyExistsException e) {
            throw new StreamProblem("file " + name + " sent twice");
        }
    }

    /** The file being received, for messages; null before the first. */
    final String currentName() {
        return current;
    }

    /** Closes what is open; the directory is deleted next. */
    final void close() {
        file = Channels.closeQuietly(file);
    }
}
