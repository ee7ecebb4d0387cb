package dev.ssi.transport;

/** The peer accepted the call but its handler failed; the message is the peer's. */
public final class RemoteFailureException extends TransportException {
    public RemoteFailureException(String message) {
        super(message);
    }
}
