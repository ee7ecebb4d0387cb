package dev.ssi.transport;

/** Receives one kind of one-way message; runs on the node's handler executor. */
@FunctionalInterface
public interface MessageHandler<T> {
    void handle(NodeId from, T message);
}
