package dev.ssi.transport.connection;

import dev.ssi.transport.RefusedException;
import dev.ssi.transport.wire.ErrorCode;
import dev.ssi.transport.wire.Frame;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Requests, responses and one-way messages: handlers run on the handler executor, within what
 * the peer's {@link InboundLimit} allows.
 */
final class CallFrameHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(CallFrameHandler.class.getName());

    private final Peer peer;
    private final Handlers handlers;
    private final Executor executor;

    CallFrameHandler(Peer peer, Handlers handlers, Executor executor) {
        this.peer = peer;
        this.handlers = handlers;
        this.executor = executor;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof Frame.Request request) {
            serve(ctx.channel(), request);
        } else if (message instanceof Frame.Response response) {
            peer.calls().answered(response);
        } else if (message instanceof Frame.ErrorReply error) {
            peer.calls().failed(error);
        } else if (message instanceof Frame.Message note) {
            deliver(note);
        } else {
            ctx.fireChannelRead(message);
        }
    }

    private void serve(Channel channel, Frame.Request request) {
        Handlers.RawCallHandler handler = handlers.call(request.type());
        if (handler == null) {
            channel.writeAndFlush(new Frame.ErrorReply(request.callId(), ErrorCode.REFUSED,
                    "no handler for " + request.type() + " on this node"));
            return;
        }
        Optional<String> refusal = peer.inbound().admitCall(request.type());
        if (refusal.isPresent()) {
            channel.writeAndFlush(new Frame.ErrorReply(request.callId(), ErrorCode.REFUSED, refusal.get()));
            return;
        }
        executor.execute(() -> {
            CompletableFuture<byte[]> answer;
            try {
                answer = handler.handle(peer.id(), request.payload());
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answer.whenComplete((payload, failure) -> channel.writeAndFlush(failure == null
                    ? new Frame.Response(request.callId(), payload)
                    : errorReply(request, failure)).addListener(written -> peer.inbound().callDone()));
        });
    }

    private static Frame.ErrorReply errorReply(Frame.Request request, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof RefusedException) {
            return new Frame.ErrorReply(request.callId(), ErrorCode.REFUSED, cause.getMessage());
        }
        return new Frame.ErrorReply(request.callId(), ErrorCode.FAILED,
                request.type() + " failed: " + HandshakeHandler.describe(cause));
    }

    private void deliver(Frame.Message note) {
        Handlers.RawMessageHandler handler = handlers.message(note.type());
        if (handler == null) {
            LOG.log(System.Logger.Level.DEBUG, "no handler for message " + note.type() + " from " + peer.id());
            return;
        }
        long charge = peer.inbound().messageQueued(note.payload().length);
        executor.execute(() -> {
            try {
                handler.handle(peer.id(), note.payload());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "message " + note.type() + " from " + peer.id()
                        + " failed: " + e, e);
            } finally {
                peer.inbound().messageDone(charge);
            }
        });
    }
}
