package dev.ssi.transport.connection;

import java.time.Duration;

/**
 * What one peer connection may hold at once, each way (docs/protocol.md, "Back-pressure").
 * <ul>
 * <li>Outbound: while more than {@code maxQueuedBytes} wait to be sent to the peer, calls and
 * messages to it fail at once; answers and stream blocks still go (streams pause at Netty's
 * high-water mark anyway). A connection with twice that waiting, or whose queue stayed above the
 * high-water mark for {@code stallTimeout}, is closed. At most {@code pendingCalls} calls to the
 * peer await answers; the next fails at once.</li>
 * <li>Inbound: at most {@code inboundCalls} of the peer's calls are under way here, from arrival
 * until the answer is written; the next is refused at once. Its messages waiting for a handler
 * take at most {@code inboundMessageBytes} (each counted at least 16 KiB); beyond, this node stops
 * reading from the peer until half of that has drained, so a flood waits in the peer's buffers.</li>
 * </ul>
 */
public record PeerLimits(long maxQueuedBytes, Duration stallTimeout, int pendingCalls, int inboundCalls,
                         long inboundMessageBytes) {
    public static final PeerLimits DEFAULTS = new PeerLimits(8L << 20, Duration.ofSeconds(30), 1024, 16, 4L << 20);

    /** Netty's high-water mark, above which a connection is unwritable and streams pause. */
    static final int HIGH_WATER_MARK = 4 << 20;

    /** A connection that refuses calls for want of room is unwritable too, and so on the stall clock. */
    public PeerLimits {
        if (maxQueuedBytes < HIGH_WATER_MARK || stallTimeout.isNegative() || stallTimeout.isZero() || pendingCalls < 1
                || inboundCalls < 1 || inboundMessageBytes < 1 << 16) {
            throw new IllegalArgumentException("peer limits too small: " + maxQueuedBytes + " bytes queued, "
                    + stallTimeout + " stalled, " + pendingCalls + " pending calls, " + inboundCalls
                    + " inbound calls, " + inboundMessageBytes + " inbound message bytes");
        }
    }

    public PeerLimits withStallTimeout(Duration timeout) {
        return new PeerLimits(maxQueuedBytes, timeout, pendingCalls, inboundCalls, inboundMessageBytes);
    }

    /** Past this many bytes waiting, the connection is closed: only answers to a peer that does not read get there. */
    long closeAboveBytes() {
        return 2 * maxQueuedBytes;
    }
}
