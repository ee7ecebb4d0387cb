package dev.ssi.transport;

/** Every way a call, message or stream to a peer can fail has its own subclass. */
public abstract class TransportException extends RuntimeException {
    protected TransportException(String message) {
        super(message);
    }

    protected TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
