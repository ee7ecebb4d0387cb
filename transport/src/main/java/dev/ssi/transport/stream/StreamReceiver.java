package dev.ssi.transport.stream;

import dev.ssi.transport.NodeId;
import dev.ssi.transport.RefusedException;
import dev.ssi.transport.StreamFailedException;
import dev.ssi.transport.wire.Frame;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Receives one directory into a fresh directory, checking every name, size and block on its
 * own serial executor; on any failure it deletes the directory and tells the sender why.
 */
final class StreamReceiver {
    private enum State { OFFERED, RECEIVING, DONE, FAILED }

    private final NodeId from;
    private final Frame.StreamOffer offer;
    private final Channel channel;
    private final SerialExecutor serial;
    private final StreamSettings settings;
    private final Runnable onFinish;
    private final CompletableFuture<Path> completion = new CompletableFuture<>();
    /** Raw bytes received and not yet credited back: the sender may never exceed the window. */
    private final AtomicLong uncredited = new AtomicLong();

    // Touched only on the serial executor.
    private State state = State.OFFERED;
    private Path directory;
    private ByteBuffer scratch;
    private FileChannel file;
    private String fileName;
    private long fileSize;
    private long written;
    private int filesSeen;
    private long bytesDeclared;

    StreamReceiver(NodeId from, Frame.StreamOffer offer, Channel channel, Executor bulk, StreamSettings settings,
                   Runnable onFinish) {
        this.from = from;
        this.offer = offer;
        this.channel = channel;
        this.serial = new SerialExecutor(bulk);
        this.settings = settings;
        this.onFinish = onFinish;
    }

    NodeId from() {
        return from;
    }

    Frame.StreamOffer offer() {
        return offer;
    }

    CompletableFuture<Path> completion() {
        return completion;
    }

    /** Why the offer itself is out of bounds, or null. */
    String problemWithOffer() {
        if (offer.fileCount() < 0 || offer.fileCount() > settings.maxFiles()) {
            return "offer of " + offer.fileCount() + " files exceeds the limit of " + settings.maxFiles();
        }
        if (offer.totalBytes() < 0 || offer.totalBytes() > settings.maxTotalBytes()) {
            return "offer of " + offer.totalBytes() + " bytes exceeds the limit of " + settings.maxTotalBytes();
        }
        return null;
    }

    CompletableFuture<Path> accept(Path freshDirectory) {
        serial.execute(() -> {
            if (state != State.OFFERED) {
                completion.completeExceptionally(new StreamFailedException("stream is no longer on offer"));
                return;
            }
            try {
                Files.createDirectory(freshDirectory);
            } catch (FileAlreadyExistsException e) {
                fail("receiving directory " + freshDirectory + " already exists", true);
                return;
            } catch (IOException e) {
                fail("cannot create receiving directory " + freshDirectory + ": " + e, true);
                return;
            }
            directory = freshDirectory;
            scratch = ByteBuffer.allocateDirect(settings.blockSize());
            state = State.RECEIVING;
            channel.writeAndFlush(new Frame.StreamAccept(offer.streamId(), settings.window(), settings.blockSize()));
        });
        return completion;
    }

    void refuse(String reason) {
        serial.execute(() -> {
            if (state == State.OFFERED) {
                state = State.FAILED;
                onFinish.run();
                channel.writeAndFlush(new Frame.StreamReject(offer.streamId(), reason));
                completion.completeExceptionally(new RefusedException("refused here: " + reason));
            }
        });
    }

    void cancel(String reason) {
        serial.execute(() -> fail("cancelled by receiver: " + reason, true));
    }

    void connectionClosed(String reason) {
        serial.execute(() -> fail("connection lost: " + reason, false));
    }

    /** Called on the event loop, in arrival order. */
    void onFrame(Frame.StreamFrame frame) {
        if (frame instanceof Frame.StreamBlock block && block.rawLength() > 0
                && uncredited.addAndGet(block.rawLength()) > settings.window()) {
            serial.execute(() -> {
                block.release();
                fail("sender exceeded its credit of " + settings.window() + " bytes", true);
            });
            return;
        }
        serial.execute(() -> {
            try {
                handle(frame);
            } catch (StreamProblem e) {
                fail(e.getMessage(), true);
            } catch (CorruptBlockException e) {
                fail(e.getMessage() + " in " + fileName, true);
            } catch (IOException e) {
                fail("cannot write " + fileName + ": " + e, true);
            } finally {
                ReferenceCountUtil.release(frame);
            }
        });
    }

    private void handle(Frame.StreamFrame frame) throws IOException {
        if (frame instanceof Frame.StreamCancel cancel) {
            fail("cancelled by sender: " + cancel.reason(), false);
            return;
        }
        if (state == State.OFFERED) {
            throw new StreamProblem("sender sent data before the stream was accepted");
        }
        if (state != State.RECEIVING) {
            return;
        }
        if (frame instanceof Frame.StreamFile f) {
            openFile(f);
        } else if (frame instanceof Frame.StreamBlock block) {
            writeBlock(block);
        } else if (frame instanceof Frame.StreamEnd) {
            end();
        } else {
            throw new StreamProblem("unexpected " + frame.getClass().getSimpleName() + " from the sender");
        }
    }

    private void openFile(Frame.StreamFile f) throws IOException {
        requireCurrentFileComplete();
        String problem = FileNames.problemWith(f.name());
        if (problem != null) {
            throw new StreamProblem(problem);
        }
        if (++filesSeen > offer.fileCount()) {
            throw new StreamProblem("more files than the " + offer.fileCount() + " offered");
        }
        if (f.size() < 0 || f.size() > settings.maxFileSize()) {
            throw new StreamProblem("file " + f.name() + " of " + f.size() + " bytes exceeds the limit of "
                    + settings.maxFileSize());
        }
        bytesDeclared += f.size();
        if (bytesDeclared > offer.totalBytes()) {
            throw new StreamProblem("files add up to more than the " + offer.totalBytes() + " bytes offered");
        }
        fileName = f.name();
        fileSize = f.size();
        written = 0;
        try {
            file = FileChannel.open(directory.resolve(f.name()), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (FileAlreadyExistsException e) {
            throw new StreamProblem("file " + f.name() + " sent twice");
        }
        closeFileIfComplete();
    }

    private void writeBlock(Frame.StreamBlock block) throws IOException {
        if (file == null) {
            throw new StreamProblem("block outside of any file");
        }
        if (block.rawLength() <= 0 || block.rawLength() > settings.blockSize()) {
            throw new StreamProblem("block of " + block.rawLength() + " bytes, the limit is " + settings.blockSize());
        }
        if (written + block.rawLength() > fileSize) {
            throw new StreamProblem("more data for " + fileName + " than its " + fileSize + " bytes");
        }
        ByteBuffer raw = BlockCodec.decode(block, scratch);
        while (raw.hasRemaining()) {
            written += file.write(raw, written);
        }
        closeFileIfComplete();
        uncredited.addAndGet(-block.rawLength());
        channel.writeAndFlush(new Frame.StreamCredit(offer.streamId(), block.rawLength()));
    }

    private void end() throws IOException {
        requireCurrentFileComplete();
        if (filesSeen != offer.fileCount() || bytesDeclared != offer.totalBytes()) {
            throw new StreamProblem("stream ended after " + filesSeen + " files and " + bytesDeclared
                    + " bytes; " + offer.fileCount() + " files and " + offer.totalBytes() + " bytes were offered");
        }
        state = State.DONE;
        onFinish.run();
        channel.writeAndFlush(new Frame.StreamDone(offer.streamId()));
        completion.complete(directory);
    }

    private void requireCurrentFileComplete() {
        if (file != null) {
            throw new StreamProblem("file " + fileName + " ended after " + written + " of its " + fileSize + " bytes");
        }
    }

    private void closeFileIfComplete() throws IOException {
        if (written == fileSize) {
            file.close();
            file = null;
        }
    }

    private void fail(String reason, boolean tellSender) {
        if (state == State.DONE || state == State.FAILED) {
            return;
        }
        state = State.FAILED;
        onFinish.run();
        closeQuietly();
        deleteDirectory();
        if (tellSender) {
            channel.writeAndFlush(new Frame.StreamReject(offer.streamId(), reason));
        }
        completion.completeExceptionally(new StreamFailedException(reason));
    }

    private void closeQuietly() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // The directory is deleted next; a failed close loses nothing.
            }
            file = null;
        }
    }

    private void deleteDirectory() {
        if (directory == null) {
            return;
        }
        try (var entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                Files.deleteIfExists(entry);
            }
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            System.getLogger(StreamReceiver.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot delete partial stream directory " + directory + ": " + e);
        }
    }

    /** A sender that broke the stream's rules. */
    private static final class StreamProblem extends RuntimeException {
        StreamProblem(String message) {
            super(message);
        }
    }
}
