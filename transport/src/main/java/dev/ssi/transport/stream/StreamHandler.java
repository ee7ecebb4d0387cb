package dev.ssi.transport.stream;

/**
 * Decides on streams that peers offer; runs on the node's handler executor. It must call
 * {@link IncomingStream#accept} or {@link IncomingStream#refuse} on each stream.
 */
@FunctionalInterface
public interface StreamHandler {
    void offered(IncomingStream stream);
}
