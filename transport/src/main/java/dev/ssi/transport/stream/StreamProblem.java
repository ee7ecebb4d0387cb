package dev.ssi.transport.stream;

/** A sender that broke the stream's rules; the stream ends with this reason. */
final class StreamProblem extends RuntimeException {
    StreamProblem(String message) {
        super(message);
    }
}
