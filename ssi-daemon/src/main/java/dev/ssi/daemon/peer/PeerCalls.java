package dev.ssi.daemon.peer;

import dev.ssi.transport.CallType;
import dev.ssi.transport.NodeId;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Calls to other nodes by name, on their connections (dialed if need be). */
@FunctionalInterface
public interface PeerCalls {
    <Q, R> CompletableFuture<R> call(NodeId node, CallType<Q, R> type, Q request, Duration timeout);
}
