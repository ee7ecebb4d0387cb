package dev.ssi.transport.stream;

import dev.ssi.transport.PeerGoneException;
import dev.ssi.transport.RefusedException;
import dev.ssi.transport.StreamFailedException;
import dev.ssi.transport.TransportException;
import dev.ssi.transport.wire.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends one directory: offers it, then reads, compresses and writes blocks on its own serial
 * executor while the receiver's credit lasts and the channel is writable.
 */
final class StreamSender {
    private enum State { LISTING, OFFERED, SENDING, ENDED, FINISHED }

    private final long id;
    private final Channel channel;
    private final SerialExecutor serial;
    private final Path directory;
    private final String label;
    private final int blockSize;
    private final Runnable onFinish;
    private final CompletableFuture<StreamResult> completion = new CompletableFuture<>();
    private final AtomicLong credit = new AtomicLong();
    private final AtomicBoolean pumpQueued = new AtomicBoolean();
    private final CompressionBackoff compression = new CompressionBackoff();

    // Touched only on the serial executor.
    private State state = State.LISTING;
    private List<SourceFile> files;
    private int fileIndex;
    private FileChannel file;
    private long position;
    private int blockLength;
    private long rawBytes;
    private long wireBytes;

    StreamSender(long id, Channel channel, Executor bulk, Path directory, String label, int blockSize,
                 Runnable onFinish) {
        this.id = id;
        this.channel = channel;
        this.serial = new SerialExecutor(bulk);
        this.directory = directory;
        this.label = label;
        this.blockSize = blockSize;
        this.onFinish = onFinish;
    }

    long id() {
        return id;
    }

    CompletableFuture<StreamResult> completion() {
        return completion;
    }

    void start() {
        serial.execute(this::offer);
    }

    void onAccept(int initialCredit, int maxBlock) {
        serial.execute(() -> {
            if (state != State.OFFERED) {
                return;
            }
            if (initialCredit <= 0 || maxBlock <= 0) {
                abort("receiver granted no credit or no block size");
                return;
            }
            blockLength = Math.min(blockSize, Math.min(maxBlock, initialCredit));
            credit.set(initialCredit);
            state = State.SENDING;
            pump();
        });
    }

    void onCredit(int bytes) {
        credit.addAndGet(bytes);
        schedulePump();
    }

    void onWritable() {
        schedulePump();
    }

    void onReject(String reason) {
        serial.execute(() -> finish(state == State.OFFERED
                ? new RefusedException("peer refused the stream: " + reason)
                : new StreamFailedException("receiver ended the stream: " + reason)));
    }

    void onDone() {
        serial.execute(() -> {
            if (state == State.ENDED) {
                state = State.FINISHED;
                onFinish.run();
                completion.complete(new StreamResult(files.size(), rawBytes, wireBytes));
            }
        });
    }

    void cancel(String reason) {
        serial.execute(() -> abort("cancelled by sender: " + reason));
    }

    void connectionClosed(String reason) {
        serial.execute(() -> finish(new PeerGoneException(reason)));
    }

    private void offer() {
        try {
            files = SourceFile.list(directory);
        } catch (IOException e) {
            finish(new StreamFailedException("cannot send " + directory + ": " + e.getMessage(), e));
            return;
        }
        long total = files.stream().mapToLong(SourceFile::size).sum();
        state = State.OFFERED;
        channel.writeAndFlush(new Frame.StreamOffer(id, label, files.size(), total));
    }

    private void schedulePump() {
        if (pumpQueued.compareAndSet(false, true)) {
            serial.execute(() -> {
                pumpQueued.set(false);
                pump();
            });
        }
    }

    private void pump() {
        try {
            while (state == State.SENDING && channel.isWritable() && credit.get() >= nextBlockLength()) {
                sendNext();
            }
        } catch (IOException e) {
            abort("cannot read " + currentName() + ": " + e.getMessage());
        }
    }

    private long nextBlockLength() {
        return file == null ? 0 : Math.min(blockLength, files.get(fileIndex).size() - position);
    }

    private void sendNext() throws IOException {
        if (file == null) {
            if (fileIndex == files.size()) {
                state = State.ENDED;
                channel.writeAndFlush(new Frame.StreamEnd(id));
                return;
            }
            SourceFile next = files.get(fileIndex);
            file = FileChannel.open(next.path(), StandardOpenOption.READ);
            position = 0;
            channel.writeAndFlush(new Frame.StreamFile(id, next.name(), next.size()));
        } else {
            int length = (int) nextBlockLength();
            ByteBuf raw = channel.alloc().directBuffer(length);
            try {
                while (raw.writableBytes() > 0) {
                    if (raw.writeBytes(file, position + raw.readableBytes(), raw.writableBytes()) < 0) {
                        throw new IOException("file shrank while it was being sent");
                    }
                }
            } catch (IOException e) {
                raw.release();
                throw e;
            }
            boolean tried = compression.shouldTry();
            Frame.StreamBlock block = BlockCodec.encode(id, raw, channel.alloc(), tried);
            if (tried) {
                compression.record(block.compressed());
            }
            credit.addAndGet(-length);
            position += length;
            rawBytes += length;
            wireBytes += block.data().readableBytes();
            channel.writeAndFlush(block);
        }
        if (file != null && position == files.get(fileIndex).size()) {
            closeFile();
            fileIndex++;
        }
    }

    private String currentName() {
        return files != null && fileIndex < files.size() ? files.get(fileIndex).name() : directory.toString();
    }

    private void abort(String reason) {
        if (state != State.FINISHED) {
            channel.writeAndFlush(new Frame.StreamCancel(id, reason));
            finish(new StreamFailedException(reason));
        }
    }

    private void finish(TransportException failure) {
        if (state == State.FINISHED) {
            return;
        }
        state = State.FINISHED;
        closeFile();
        onFinish.run();
        completion.completeExceptionally(failure);
    }

    private void closeFile() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // Read-only: nothing is lost by a failed close.
            }
            file = null;
        }
    }
}
