package dev.ssi.transport.stream;

import dev.ssi.transport.NodeId;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** A directory a peer offers to send, complete or still being written. */
public final class IncomingStream {
    private final StreamReceiver receiver;

    IncomingStream(StreamReceiver receiver) {
        this.receiver = receiver;
    }

    public NodeId from() {
        return receiver.from();
    }

    /** What the sender says the stream is, e.g. a job id. */
    public String label() {
        return receiver.label();
    }

    /**
     * Receives into {@code freshDirectory}, which must not exist yet (its parent must). The
     * future completes with it once every file is there; on any failure the directory is
     * deleted and the future fails.
     */
    public CompletableFuture<Path> accept(Path freshDirectory) {
        return receiver.accept(freshDirectory);
    }

    public void refuse(String reason) {
        receiver.refuse(reason);
    }

    /** Stops receiving and deletes what arrived; the sender is told. */
    public void cancel(String reason) {
        receiver.cancel(reason);
    }

    public CompletableFuture<Path> completion() {
        return receiver.completion();
    }
}
