package dev.ssi.transport.stream;

import java.util.concurrent.CompletableFuture;

/** A directory on its way to a peer, complete or still being written. */
public final class OutgoingStream {
    private final StreamSender sender;

    OutgoingStream(StreamSender sender) {
        this.sender = sender;
    }

    public long id() {
        return sender.id();
    }

    /**
     * Completes once the receiver has every file on disk; fails with a
     * {@link dev.ssi.transport.TransportException} saying why not.
     */
    public CompletableFuture<StreamResult> completion() {
        return sender.completion();
    }

    /**
     * For a directory sent while it is written ({@link dev.ssi.transport.connection.Peer#sendGrowingDirectory}):
     * the writer has finished, so what is left is sent and the stream ends. No effect on others.
     */
    public void writerFinished() {
        sender.writerFinished();
    }

    /** Stops sending; the receiver deletes what it has. */
    public void cancel(String reason) {
        sender.cancel(reason);
    }
}
