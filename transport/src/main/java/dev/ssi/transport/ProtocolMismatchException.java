package dev.ssi.transport;

/** The peer speaks a protocol version this node does not. */
public final class ProtocolMismatchException extends TransportException {
    public ProtocolMismatchException(String message) {
        super(message);
    }
}
