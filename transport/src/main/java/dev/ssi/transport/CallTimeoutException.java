package dev.ssi.transport;

/** No answer came within the call's timeout; the connection itself may be fine. */
public final class CallTimeoutException extends TransportException {
    public CallTimeoutException(String message) {
        super(message);
    }
}
