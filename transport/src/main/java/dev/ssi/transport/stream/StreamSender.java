package dev.ssi.transport.stream;

import dev.ssi.transport.PeerGoneException;
import dev.ssi.transport.RefusedException;
import dev.ssi.transport.StreamFailedException;
import dev.ssi.transport.TransportException;
import dev.ssi.transport.wire.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends one directory: offers it, then reads, compresses and writes blocks on its own serial
 * executor while the receiver's credit lasts and the channel is writable; {@link OutgoingFiles}
 * says what comes next, from a directory as it is or from one still being written.
 */
final class StreamSender {
    private enum State { LISTING, OFFERED, SENDING, ENDED, FINISHED }

    private final long id;
    private final Channel channel;
    private final SerialExecutor serial;
    private final OutgoingFiles files;
    private final String label;
    private final int blockSize;
    private final Runnable onFinish;
    private final CompletableFuture<StreamResult> completion = new CompletableFuture<>();
    private final AtomicLong credit = new AtomicLong();
    private final AtomicBoolean pumpQueued = new AtomicBoolean();
    private final CompressionBackoff compression = new CompressionBackoff();

    // Touched only on the serial executor.
    private State state = State.LISTING;
    private int blockLength;
    private long rawBytes;
    private long wireBytes;

    StreamSender(long id, Channel channel, Executor bulk, OutgoingFiles files, String label, int blockSize,
                 Runnable onFinish) {
        this.id = id;
        this.channel = channel;
        this.serial = new SerialExecutor(bulk);
        this.files = files;
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
                completion.complete(new StreamResult(files.files(), rawBytes, wireBytes));
            }
        });
    }

    void writerFinished() {
        serial.execute(() -> {
            files.writerFinished();
            pump();
        });
    }

    void cancel(String reason) {
        serial.execute(() -> abort("cancelled by sender: " + reason));
    }

    void connectionClosed(String reason) {
        serial.execute(() -> finish(new PeerGoneException(reason)));
    }

    private void offer() {
        Frame.StreamFrame offer;
        try {
            offer = files.offer(id, label);
        } catch (IOException e) {
            finish(new StreamFailedException("cannot send " + files.currentName() + ": " + e.getMessage(), e));
            return;
        }
        state = State.OFFERED;
        channel.writeAndFlush(offer);
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
            while (state == State.SENDING && channel.isWritable()) {
                OutgoingFiles.Next next = files.next(id, blockLength);
                if (next instanceof OutgoingFiles.Next.Header header) {
                    channel.writeAndFlush(header.frame());
                } else if (next instanceof OutgoingFiles.Next.Block block) {
                    if (credit.get() < block.length()) {
                        return;
                    }
                    sendBlock(block.length());
                } else if (next instanceof OutgoingFiles.Next.End end) {
                    state = State.ENDED;
                    channel.writeAndFlush(end.frame());
                } else if (next instanceof OutgoingFiles.Next.Later later) {
                    lookAgainIn(later.millis());
                    return;
                }
            }
        } catch (IOException e) {
            abort("cannot read " + files.currentName() + ": " + e.getMessage());
        }
    }

    private void lookAgainIn(long millis) {
        try {
            channel.eventLoop().schedule(this::schedulePump, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            finish(new PeerGoneException("node is shutting down"));
        }
    }

    private void sendBlock(int length) throws IOException {
        ByteBuf raw = channel.alloc().directBuffer(length, length);
        try {
            files.read(raw);
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
        rawBytes += length;
        wireBytes += block.data().readableBytes();
        channel.writeAndFlush(block);
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
        files.close();
        onFinish.run();
        completion.completeExceptionally(failure);
    }
}
