package dev.ssi.transport;

/** A bulk stream broke off: bad data, a limit crossed, or cancelled by either side. */
public final class StreamFailedException extends TransportException {
    public StreamFailedException(String reason) {
        super(reason);
    }

    public StreamFailedException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
