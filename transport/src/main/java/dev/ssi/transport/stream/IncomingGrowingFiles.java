package dev.ssi.transport.stream;

import dev.ssi.transport.wire.Frame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Files of a directory that were still being written while they were sent: they come in parts,
 * each going on exactly where the file's bytes so far end, and the end says how many files and
 * bytes there were in all. Every file and the whole stay within the receiver's limits.
 */
final class IncomingGrowingFiles extends IncomingFiles {
    /** Bytes received of each file so far. */
    private final Map<String, Long> received = new HashMap<>();
    private long totalBytes;

    IncomingGrowingFiles(StreamSettings settings) {
        super(settings);
    }

    @Override
    String problemWithOffer() {
        return null;
    }

    @Override
    boolean starts(Frame.StreamFrame frame) throws IOException {
        if (!(frame instanceof Frame.GrowingPart part)) {
            return false;
        }
        Long sofar = received.get(part.name());
        if (sofar == null && received.size() == settings.maxFiles()) {
            throw new StreamProblem("more files than the limit of " + settings.maxFiles());
        }
        long expected = sofar == null ? 0 : sofar;
        if (part.offset() != expected) {
            throw new StreamProblem("part of " + part.name() + " at offset " + part.offset() + ", but "
                    + expected + " bytes of it have come");
        }
        open(part.name(), sofar == null);
        received.put(part.name(), expected);
        return true;
    }

    @Override
    void admit(int rawLength) {
        if (file == null) {
            throw new StreamProblem("block outside of any part");
        }
        if (received.get(current) + rawLength > settings.maxFileSize()) {
            throw new StreamProblem("file " + current + " grows past the limit of " + settings.maxFileSize()
                    + " bytes");
        }
        if (totalBytes + rawLength > settings.maxTotalBytes()) {
            throw new StreamProblem("files add up to more than the limit of " + settings.maxTotalBytes() + " bytes");
        }
    }

    @Override
    void write(ByteBuffer raw) throws IOException {
        long position = received.get(current);
        int length = raw.remaining();
        while (raw.hasRemaining()) {
            position += file.write(raw, position);
        }
        received.put(current, position);
        totalBytes += length;
    }

    @Override
    boolean ends(Frame.StreamFrame frame) {
        if (!(frame instanceof Frame.GrowingEnd end)) {
            return false;
        }
        close();
        if (end.fileCount() != received.size() || end.totalBytes() != totalBytes) {
            throw new StreamProblem("stream ended with " + end.fileCount() + " files and " + end.totalBytes()
                    + " bytes announced; " + received.size() + " files and " + totalBytes + " bytes came");
        }
        return true;
    }
}
