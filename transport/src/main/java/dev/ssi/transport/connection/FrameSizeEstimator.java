package dev.ssi.transport.connection;

import dev.ssi.transport.wire.Frame;
import io.netty.channel.DefaultMessageSizeEstimator;
import io.netty.channel.MessageSizeEstimator;

/**
 * About how many bytes a frame takes on the wire. Netty counts a write made off the event loop
 * by this estimate until the frame is encoded (as 8 bytes otherwise): so a stream block or a
 * message handed over from another thread counts against writability, and against
 * {@link PeerLimits}, from the moment it is written, not only once the event loop encodes it.
 */
final class FrameSizeEstimator implements MessageSizeEstimator {
    static final FrameSizeEstimator INSTANCE = new FrameSizeEstimator();
    /** Length, version, type, ids and a type name: more than any frame's header. */
    private static final int HEADER = 64;
    private static final Handle BYTES = DefaultMessageSizeEstimator.DEFAULT.newHandle();

    private final Handle handle = message -> {
        if (message instanceof Frame.StreamBlock block) {
            return HEADER + block.data().readableBytes();
        } else if (message instanceof Frame.Request request) {
            return HEADER + request.payload().length;
        } else if (message instanceof Frame.Response response) {
            return HEADER + response.payload().length;
        } else if (message instanceof Frame.Message note) {
            return HEADER + note.payload().length;
        } else if (message instanceof Frame) {
            return HEADER;
        }
        return BYTES.size(message);
    };

    private FrameSizeEstimator() {}

    @Override
    public Handle newHandle() {
        return handle;
    }
}
