package dev.ssi.scheduler.gossip;

/**
 * How a node gossips. Per interval a node sends {@code fanout} messages of at most
 * {@code windowSize} entries whatever the pool's size, so its cost is constant.
 *
 * @param intervalMillis     time between a node's rounds
 * @param fanout             peers sent to per round
 * @param windowSize         entries per message: the sender's own vector and the freshest it knows
 * @param maxKnown           entries kept; beyond that the oldest are dropped (a node needs good
 *                           candidates, not the whole pool)
 * @param suspectAfterMillis an entry this old is suspect: its node is not given work
 * @param removeAfterMillis  an entry this old dies, and its node is forgotten
 */
public record GossipConfig(long intervalMillis, int fanout, int windowSize, int maxKnown,
                           long suspectAfterMillis, long removeAfterMillis) {
    public GossipConfig {
        if (intervalMillis <= 0 || fanout < 1 || windowSize < 1 || maxKnown < windowSize
                || suspectAfterMillis <= 0 || removeAfterMillis < suspectAfterMillis) {
            throw new IllegalArgumentException("gossip configuration out of range");
        }
    }

    /** MOSIX's infod sends a 20-entry window to one node every 0.5 s; ssi sends 16 entries to 2 peers every second. */
    public static GossipConfig defaults() {
        return new GossipConfig(1_000, 2, 16, 256, 15_000, 60_000);
    }
}
