package dev.ssi.transport;

import java.util.concurrent.CompletableFuture;

/**
 * Answers one kind of call; runs on the node's handler executor. Throw or complete with
 * {@link RefusedException} to refuse with a reason; any other failure reaches the caller as a
 * {@link RemoteFailureException}.
 */
@FunctionalInterface
public interface CallHandler<Q, R> {
    CompletableFuture<R> handle(NodeId from, Q request);
}
