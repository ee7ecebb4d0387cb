package dev.ssi.transport.stream;

import dev.ssi.transport.wire.Frame;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The files of a flat directory that a writer is still filling, sent in parts as they grow, as
 * {@code tail -f} follows a file. The writer may create files and append to them, nothing else:
 * a file that shrinks or vanishes ends the stream. While it writes, only whole blocks of a
 * growing file go, and the rest of a file once its size has held still for one look; once it
 * has finished, everything that is left goes, then the end with the count of files and bytes.
 */
final class OutgoingGrowingFiles extends OutgoingFiles {
    /** The longest pause between two looks at a directory where nothing changes. */
    private static final long MAX_PAUSE_MILLIS = 16;

    /** Bytes of each file given to a part so far. */
    private final Map<String, Long> sent = new TreeMap<>();
    /** Each file's size at the previous look. */
    private Map<String, Long> previous = Map.of();
    private boolean writerFinished;
    private long pauseMillis;
    private long partEnd;

    OutgoingGrowingFiles(Path directory) {
        super(directory);
    }

    @Override
    Frame.StreamFrame offer(long streamId, String label) throws IOException {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(directory + " is not a directory");
        }
        return new Frame.GrowingOffer(streamId, label);
    }

    @Override
    Next next(long streamId, int blockLength) throws IOException {
        if (file != null) {
            if (position < partEnd) {
                return new Next.Block((int) Math.min(blockLength, partEnd - position));
            }
            close();
        }
        // Read before looking: a look made after the writer finished sees every byte it wrote.
        boolean finished = writerFinished;
        Map<String, Long> sizes = look();
        try {
            for (Map.Entry<String, Long> entry : sizes.entrySet()) {
                String name = entry.getKey();
                long size = entry.getValue();
                long from = sent.getOrDefault(name, 0L);
                boolean settled = finished || Long.valueOf(size).equals(previous.get(name));
                boolean unsent = size > from || !sent.containsKey(name);
                if (size - from >= blockLength || (unsent && settled)) {
                    long to = settled ? size : from + (size - from) / blockLength * blockLength;
                    return startPart(streamId, name, from, to);
                }
            }
        } finally {
            previous = sizes;
        }
        if (finished) {
            return new Next.End(new Frame.GrowingEnd(streamId, sent.size(),
                    sent.values().stream().mapToLong(Long::longValue).sum()));
        }
        pauseMillis = Math.min(MAX_PAUSE_MILLIS, Math.max(1, pauseMillis * 2));
        return new Next.Later(pauseMillis);
    }

    private Next startPart(long streamId, String name, long from, long to) throws IOException {
        open(name, from);
        partEnd = to;
        sent.put(name, to);
        pauseMillis = 0;
        return new Next.Header(new Frame.GrowingPart(streamId, name, from));
    }

    /** The size of every file now; a file sent before that shrank or vanished, or anything but a file, is an error. */
    private Map<String, Long> look() throws IOException {
        Map<String, Long> sizes = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                String problem = FileNames.problemWith(name);
                if (problem != null) {
                    throw new IOException(problem);
                }
                try {
                    sizes.put(name, SourceFile.sizeOfRegular(entry));
                } catch (NoSuchFileException e) {
                    // Gone between the listing and the look: the check below decides whether that matters.
                }
            }
        }
        for (Map.Entry<String, Long> was : sent.entrySet()) {
            Long now = sizes.get(was.getKey());
            if (now == null) {
                throw new IOException(was.getKey() + " vanished while it was being sent");
            }
            if (now < was.getValue()) {
                throw new IOException(was.getKey() + " shrank from " + was.getValue() + " to " + now
                        + " bytes while it was being sent");
            }
        }
        return sizes;
    }

    @Override
    void writerFinished() {
        writerFinished = true;
    }

    @Override
    int files() {
        return sent.size();
    }
}
