package dev.ssi.transport.stream;

import dev.ssi.transport.NodeId;
import dev.ssi.transport.wire.Frame;
import dev.ssi.transport.wire.MalformedFrameException;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The bulk streams of one connection, both ways. Frames for a stream that has already ended
 * (blocks still in flight when it failed) are dropped.
 */
public final class Streams {
    /** Streams one peer may have under way to this node at once (a migration needs one). */
    static final int MAX_INCOMING = 16;

    private final Channel channel;
    private final NodeId peer;
    private final StreamSettings settings;
    private final Executor bulk;
    private final Executor handlers;
    private final Supplier<StreamHandler> handler;
    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<Long, StreamSender> outgoing = new ConcurrentHashMap<>();
    private final Map<Long, StreamReceiver> incoming = new ConcurrentHashMap<>();

    public Streams(Channel channel, NodeId peer, StreamSettings settings, Executor bulk, Executor handlers,
                   Supplier<StreamHandler> handler) {
        this.channel = channel;
        this.peer = peer;
        this.settings = settings;
        this.bulk = bulk;
        this.handlers = handlers;
        this.handler = handler;
    }

    /** Sends the files of {@code directory} as they are now. */
    public OutgoingStream send(Path directory, String label) {
        return send(new OutgoingWholeFiles(directory), label);
    }

    /** Sends the files of {@code directory} while a writer fills it, until told it has finished. */
    public OutgoingStream sendGrowing(Path directory, String label) {
        return send(new OutgoingGrowingFiles(directory), label);
    }

    private OutgoingStream send(OutgoingFiles files, String label) {
        long id = nextId.getAndIncrement();
        StreamSender sender = new StreamSender(id, channel, bulk, files, label, settings.blockSize(),
                () -> outgoing.remove(id));
        outgoing.put(id, sender);
        if (!channel.isActive()) {
            sender.connectionClosed("connection to " + peer + " is closed");
        } else {
            sender.start();
        }
        return new OutgoingStream(sender);
    }

    /** On the event loop. */
    public void onFrame(Frame.StreamFrame frame) {
        if (frame instanceof Frame.StreamOffer offer) {
            onOffer(offer.streamId(), offer.label(), new IncomingWholeFiles(offer.fileCount(), offer.totalBytes(),
                    settings));
        } else if (frame instanceof Frame.GrowingOffer offer) {
            onOffer(offer.streamId(), offer.label(), new IncomingGrowingFiles(settings));
        } else if (frame instanceof Frame.StreamFile || frame instanceof Frame.StreamBlock
                || frame instanceof Frame.StreamEnd || frame instanceof Frame.StreamCancel
                || frame instanceof Frame.GrowingPart || frame instanceof Frame.GrowingEnd) {
            StreamReceiver receiver = incoming.get(frame.streamId());
            if (receiver == null) {
                ReferenceCountUtil.release(frame);
            } else {
                receiver.onFrame(frame);
            }
        } else {
            StreamSender sender = outgoing.get(frame.streamId());
            if (sender == null) {
                return;
            }
            if (frame instanceof Frame.StreamAccept accept) {
                sender.onAccept(accept.credit(), accept.maxBlock());
            } else if (frame instanceof Frame.StreamCredit credit) {
                sender.onCredit(credit.bytes());
            } else if (frame instanceof Frame.StreamReject reject) {
                sender.onReject(reject.reason());
            } else if (frame instanceof Frame.StreamDone) {
                sender.onDone();
            }
        }
    }

    /** On the event loop, when the channel can take writes again. */
    public void onWritable() {
        outgoing.values().forEach(StreamSender::onWritable);
    }

    /** Whether no stream is under way on this connection, in either direction. */
    public boolean idle() {
        return outgoing.isEmpty() && incoming.isEmpty();
    }

    public void connectionClosed(String reason) {
        outgoing.values().forEach(sender -> sender.connectionClosed(reason));
        incoming.values().forEach(receiver -> receiver.connectionClosed(reason));
    }

    private void onOffer(long id, String label, IncomingFiles files) {
        StreamReceiver receiver = new StreamReceiver(peer, id, label, files, channel, bulk, settings,
                () -> incoming.remove(id));
        if (incoming.putIfAbsent(id, receiver) != null) {
            throw new MalformedFrameException("stream id " + id + " offered twice");
        }
        String problem = incoming.size() > MAX_INCOMING
                ? "busy: " + peer + " has " + MAX_INCOMING + " streams under way here, the most a peer may"
                : receiver.problemWithOffer();
        StreamHandler decider = handler.get();
        if (problem != null) {
            receiver.refuse(problem);
        } else if (decider == null) {
            receiver.refuse("this node takes no streams");
        } else {
            IncomingStream stream = new IncomingStream(receiver);
            handlers.execute(() -> {
                try {
                    decider.offered(stream);
                } catch (RuntimeException e) {
                    stream.refuse("stream handler failed: " + e);
                }
            });
        }
    }
}
