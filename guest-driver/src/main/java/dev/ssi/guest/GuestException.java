package dev.ssi.guest;

/** Something about a guest domain could not be done; the message says what and why. */
public class GuestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GuestException(String message) {
        super(message);
    }

    public GuestException(String message, Throwable cause) {
        super(message, cause);
    }
}
