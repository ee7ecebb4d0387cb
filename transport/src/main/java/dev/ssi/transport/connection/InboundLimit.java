package dev.ssi.transport.connection;

import dev.ssi.transport.NodeId;
import io.netty.channel.Channel;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one peer may have this node working on at once ({@link PeerLimits}): its calls, from
 * arrival until the answer is written, beyond which a call is refused at once; and its messages
 * waiting for a handler, beyond which this node stops reading from the peer until half have
 * drained. The handler executor is shared by every peer, so one peer's flood puts at most this
 * much ahead of another's call.
 */
final class InboundLimit {
    private static final System.Logger LOG = System.getLogger(InboundLimit.class.getName());
    /** Small messages count this much each, which bounds how many of them wait, not only their bytes. */
    private static final long MIN_MESSAGE_CHARGE = 16 << 10;
    private static final long SAY_REFUSALS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Channel channel;
    private final NodeId peer;
    private final PeerLimits limits;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicLong messageBytes = new AtomicLong();
    private volatile boolean paused;
    // On the event loop only.
    private long refusedUnsaid;
    private long refusalSaidAt = System.nanoTime() - SAY_REFUSALS_EVERY_NANOS;

    InboundLimit(Channel channel, NodeId peer, PeerLimits limits) {
        this.channel = channel;
        this.peer = peer;
        this.limits = limits;
    }

    /**
     * On the event loop, as a call arrives: empty when it may be served (then {@link #callDone}
     * must follow once its answer is written), else why it is refused.
     */
    Optional<String> admitCall(String type) {
        int underWay = calls.get();
        if (underWay < limits.inboundCalls()) {
            calls.incrementAndGet();
            return Optional.empty();
        }
        String reason = "busy: " + peer + " has " + underWay + " calls under way here, the most a peer may; "
                + type + " refused";
        refusedUnsaid++;
        long now = System.nanoTime();
        if (now - refusalSaidAt >= SAY_REFUSALS_EVERY_NANOS) {
            LOG.log(System.Logger.Level.WARNING, "refusing calls from " + peer + " (" + refusedUnsaid
                    + " since last said): it has " + underWay + " under way here, the most a peer may");
            refusedUnsaid = 0;
            refusalSaidAt = now;
        }
        return Optional.of(reason);
    }

    void callDone() {
        calls.decrementAndGet();
    }

    /** On the event loop, as a message is handed to the executor; returns its charge for {@link #messageDone}. */
    long messageQueued(int payloadBytes) {
        long charge = Math.max(payloadBytes, MIN_MESSAGE_CHARGE);
        if (messageBytes.addAndGet(charge) >= limits.inboundMessageBytes() && !paused) {
            paused = true;
            channel.config().setAutoRead(false);
            LOG.log(System.Logger.Level.DEBUG, "not reading from " + peer + " until its messages drain");
            resumeIfDrained();
        }
        return charge;
    }

    /** Any thread, once a message's handler has run. */
    void messageDone(long charge) {
        if (messageBytes.addAndGet(-charge) <= limits.inboundMessageBytes() / 2 && paused) {
            try {
                channel.eventLoop().execute(this::resumeIfDrained);
            } catch (RejectedExecutionException e) {
                // The node is shutting down: nothing more will be read.
            }
        }
    }

    /** What the peer's messages waiting for a handler count for now. */
    long waitingMessageBytes() {
        return messageBytes.get();
    }

    /** Nothing of the peer's is under way here. */
    boolean idle() {
        return calls.get() == 0 && messageBytes.get() == 0;
    }

    private void resumeIfDrained() {
        if (paused && messageBytes.get() <= limits.inboundMessageBytes() / 2) {
            paused = false;
            channel.config().setAutoRead(true);
        }
    }
}
