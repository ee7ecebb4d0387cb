package dev.ssi.transport.wire;

/** A frame in a format version this node does not read. */
public final class FrameVersionException extends MalformedFrameException {
    public FrameVersionException(String message) {
        super(message);
    }
}
