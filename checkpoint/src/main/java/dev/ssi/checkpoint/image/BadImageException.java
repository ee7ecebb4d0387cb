package dev.ssi.checkpoint.image;

/** A set of CRIU images that cannot be read as CRIU would read them: missing, truncated, malformed or too large. */
public final class BadImageException extends Exception {
    BadImageException(String reason) {
        super(reason);
    }

    BadImageException(String reason, Throwable cause) {
        super(reason + ": " + cause.getMessage(), cause);
    }
}
