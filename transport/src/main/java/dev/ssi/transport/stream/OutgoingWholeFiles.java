package dev.ssi.transport.stream;

import dev.ssi.transport.wire.Frame;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The regular files of a flat directory, listed before the offer, sent one after another. */
final class OutgoingWholeFiles extends OutgoingFiles {
    private List<SourceFile> files;
    private int fileIndex;

    OutgoingWholeFiles(Path directory) {
        super(directory);
    }

    @Override
    Frame.StreamFrame offer(long streamId, String label) throws IOException {
        files = SourceFile.list(directory);
        long total = files.stream().mapToLong(SourceFile::size).sum();
        return new Frame.StreamOffer(streamId, label, files.size(), total);
    }

    @Override
    Next next(long streamId, int blockLength) throws IOException {
        if (file != null) {
            return new Next.Block((int) Math.min(blockLength, files.get(fileIndex).size() - position));
        }
        if (fileIndex == files.size()) {
            return new Next.End(new Frame.StreamEnd(streamId));
        }
        SourceFile next = files.get(fileIndex);
        open(next.name(), 0);
        closeIfSent();
        return new Next.Header(new Frame.StreamFile(streamId, next.name(), next.size()));
    }

    @Override
    void read(ByteBuf raw) throws IOException {
        super.read(raw);
        closeIfSent();
    }

    private void closeIfSent() {
        if (position == files.get(fileIndex).size()) {
            close();
            fileIndex++;
        }
    }

    @Override
    void writerFinished() {
        // Listed before the offer: nothing more is coming.
    }

    @Override
    int files() {
        return files.size();
    }
}
