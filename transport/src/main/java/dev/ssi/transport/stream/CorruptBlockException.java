package dev.ssi.transport.stream;

/** A received block whose bytes are not the ones that were sent. */
final class CorruptBlockException extends RuntimeException {
    CorruptBlockException(String message) {
        super(message);
    }
}
