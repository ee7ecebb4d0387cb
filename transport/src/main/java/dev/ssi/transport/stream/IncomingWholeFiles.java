package dev.ssi.transport.stream;

import dev.ssi.transport.wire.Frame;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Files of a directory that the sender listed before it began: so many files, so many bytes, one after another. */
final class IncomingWholeFiles extends IncomingFiles {
    private final int fileCount;
    private final long totalBytes;
    private long fileSize;
    private long written;
    private int filesSeen;
    private long bytesDeclared;

    IncomingWholeFiles(int fileCount, long totalBytes, StreamSettings settings) {
        super(settings);
        this.fileCount = fileCount;
        this.totalBytes = totalBytes;
    }

    @Override
    String problemWithOffer() {
        if (fileCount < 0 || fileCount > settings.maxFiles()) {
            return "offer of " + fileCount + " files exceeds the limit of " + settings.maxFiles();
        }
        if (totalBytes < 0 || totalBytes > settings.maxTotalBytes()) {
            return "offer of " + totalBytes + " bytes exceeds the limit of " + settings.maxTotalBytes();
        }
        return null;
    }

    @Override
    boolean starts(Frame.StreamFrame frame) throws IOException {
        if (!(frame instanceof Frame.StreamFile f)) {
            return false;
        }
        requireCurrentFileComplete();
        if (++filesSeen > fileCount) {
            throw new StreamProblem("more files than the " + fileCount + " offered");
        }
        if (f.size() < 0 || f.size() > settings.maxFileSize()) {
            throw new StreamProblem("file " + f.name() + " of " + f.size() + " bytes exceeds the limit of "
                    + settings.maxFileSize());
        }
        bytesDeclared += f.size();
        if (bytesDeclared > totalBytes) {
            throw new StreamProblem("files add up to more than the " + totalBytes + " bytes offered");
        }
        open(f.name(), true);
        fileSize = f.size();
        written = 0;
        closeFileIfComplete();
        return true;
    }

    @Override
    void admit(int rawLength) {
        if (file == null) {
            throw new StreamProblem("block outside of any file");
        }
        if (written + rawLength > fileSize) {
            throw new StreamProblem("more data for " + current + " than its " + fileSize + " bytes");
        }
    }

    @Override
    void write(ByteBuffer raw) throws IOException {
        while (raw.hasRemaining()) {
            written += file.write(raw, written);
        }
        closeFileIfComplete();
    }

    @Override
    boolean ends(Frame.StreamFrame frame) {
        if (!(frame instanceof Frame.StreamEnd)) {
            return false;
        }
        requireCurrentFileComplete();
        if (filesSeen != fileCount || bytesDeclared != totalBytes) {
            throw new StreamProblem("stream ended after " + filesSeen + " files and " + bytesDeclared
                    + " bytes; " + fileCount + " files and " + totalBytes + " bytes were offered");
        }
        return true;
    }

    private void requireCurrentFileComplete() {
        if (file != null) {
            throw new StreamProblem("file " + current + " ended after " + written + " of its " + fileSize + " bytes");
        }
    }

    private void closeFileIfComplete() throws IOException {
        if (written == fileSize) {
            file.close();
            file = null;
        }
    }
}
