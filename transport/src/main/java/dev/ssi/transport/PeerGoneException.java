package dev.ssi.transport;

/** The connection to the peer is closed (or could not be opened); the message says why. */
public final class PeerGoneException extends TransportException {
    public PeerGoneException(String reason) {
        super(reason);
    }

    public PeerGoneException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
