package dev.ssi.pool;

/** Something about a local pool could not be done; the message says what and why. */
public class PoolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PoolException(String message) {
        super(message);
    }

    public PoolException(String message, Throwable cause) {
        super(message, cause);
    }
}
