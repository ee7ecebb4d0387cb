package dev.ssi.transport.connection;

import dev.ssi.transport.CallHandler;
import dev.ssi.transport.CallType;
import dev.ssi.transport.MessageHandler;
import dev.ssi.transport.MessageType;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.RefusedException;
import dev.ssi.transport.stream.StreamHandler;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** What the daemon registered to answer messages, calls and stream offers, by type name. */
final class Handlers {
    interface RawMessageHandler {
        void handle(NodeId from, byte[] payload);
    }

    interface RawCallHandler {
        CompletableFuture<byte[]> handle(NodeId from, byte[] payload);
    }

    private final Map<String, RawMessageHandler> messages = new ConcurrentHashMap<>();
    private final Map<String, RawCallHandler> calls = new ConcurrentHashMap<>();
    private volatile StreamHandler streams;

    <T> void onMessage(MessageType<T> type, MessageHandler<T> handler) {
        messages.put(type.name(), (from, payload) -> handler.handle(from, type.codec().decode(payload)));
    }

    <Q, R> void onCall(CallType<Q, R> type, CallHandler<Q, R> handler) {
        calls.put(type.name(), (from, payload) -> {
            Q request;
            try {
                request = type.requestCodec().decode(payload);
            } catch (IllegalArgumentException e) {
                return CompletableFuture.failedFuture(new RefusedException("malformed " + type.name() + " request: "
                        + e.getMessage()));
            }
            return handler.handle(from, request).thenApply(type.responseCodec()::encode);
        });
    }

    void onStream(StreamHandler handler) {
        streams = handler;
    }

    RawMessageHandler message(String type) {
        return messages.get(type);
    }

    RawCallHandler call(String type) {
        return calls.get(type);
    }

    StreamHandler stream() {
        return streams;
    }
}
