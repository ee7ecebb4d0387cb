package dev.ssi.transport.connection;

import dev.ssi.transport.NodeId;
import java.util.concurrent.Executor;

/** What every connection of a node shares. */
record NodeContext(NodeId self, TransportConfig config, Handlers handlers, PeerRegistry registry,
                   Executor bulk, Executor handlerExecutor) {
}
