package dev.ssi.transport.stream;

import dev.ssi.transport.NodeId;
import dev.ssi.transport.RefusedException;
import dev.ssi.transport.StreamFailedException;
import dev.ssi.transport.wire.Frame;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Receives one directory into a fresh directory, checking every name, size and block on its
 * own serial executor ({@link IncomingFiles} knows how the files come: whole, or in parts as
 * they grew); on any failure it deletes the directory and tells the sender why.
 */
final class StreamReceiver {
    /** The receiving directory is the receiver's alone: 0700, whatever the umask. */
    private static final FileAttribute<?> OWNER_ONLY = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------"));

    private enum State { OFFERED, RECEIVING, DONE, FAILED }

    private final NodeId from;
    private final long streamId;
    private final String label;
    private final IncomingFiles files;
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

    StreamReceiver(NodeId from, long streamId, String label, IncomingFiles files, Channel channel, Executor bulk,
                   StreamSettings settings, Runnable onFinish) {
        this.from = from;
        this.streamId = streamId;
        this.label = label;
        this.files = files;
        this.channel = channel;
        this.serial = new SerialExecutor(bulk);
        this.settings = settings;
        this.onFinish = onFinish;
    }

    NodeId from() {
        return from;
    }

    String label() {
        return label;
    }

    CompletableFuture<Path> completion() {
        return completion;
    }

    /** Why the offer itself is out of bounds, or null. */
    String problemWithOffer() {
        return files.problemWithOffer();
    }

    CompletableFuture<Path> accept(Path freshDirectory) {
        serial.execute(() -> {
            if (state != State.OFFERED) {
                completion.completeExceptionally(new StreamFailedException("stream is no longer on offer"));
                return;
            }
            try {
                Files.createDirectory(freshDirectory, OWNER_ONLY);
            } catch (FileAlreadyExistsException e) {
                fail("receiving directory " + freshDirectory + " already exists", true);
                return;
            } catch (IOException e) {
                fail("cannot create receiving directory " + freshDirectory + ": " + e, true);
                return;
            }
            directory = freshDirectory;
            files.receiveInto(freshDirectory);
            scratch = ByteBuffer.allocateDirect(settings.blockSize());
            state = State.RECEIVING;
            channel.writeAndFlush(new Frame.StreamAccept(streamId, settings.window(), settings.blockSize()));
        });
        return completion;
    }

    void refuse(String reason) {
        serial.execute(() -> {
            if (state == State.OFFERED) {
                state = State.FAILED;
                onFinish.run();
                channel.writeAndFlush(new Frame.StreamReject(streamId, reason));
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
                fail(e.getMessage() + " in " + files.currentName(), true);
            } catch (IOException e) {
                fail("cannot write " + files.currentName() + ": " + e, true);
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
        if (frame instanceof Frame.StreamBlock block) {
            writeBlock(block);
        } else if (files.take(frame)) {
            state = State.DONE;
            onFinish.run();
            channel.writeAndFlush(new Frame.StreamDone(streamId));
            completion.complete(directory);
        }
    }

    private void writeBlock(Frame.StreamBlock block) throws IOException {
        if (block.rawLength() <= 0 || block.rawLength() > settings.blockSize()) {
            throw new StreamProblem("block of " + block.rawLength() + " bytes, the limit is " + settings.blockSize());
        }
        files.admit(block.rawLength());
        files.write(BlockCodec.decode(block, scratch));
        uncredited.addAndGet(-block.rawLength());
        channel.writeAndFlush(new Frame.StreamCredit(streamId, block.rawLength()));
    }

    private void fail(String reason, boolean tellSender) {
        if (state == State.DONE || state == State.FAILED) {
            return;
        }
        state = State.FAILED;
        onFinish.run();
        files.close();
        deleteDirectory();
        if (tellSender) {
            channel.writeAndFlush(new Frame.StreamReject(streamId, reason));
        }
        completion.completeExceptionally(new StreamFailedException(reason));
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
}
