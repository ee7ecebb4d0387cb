package dev.ssi.transport.wire;

/** The connection closed with only part of a frame received. */
public final class TruncatedFrameException extends MalformedFrameException {
    public TruncatedFrameException(String message) {
        super(message);
    }
}
