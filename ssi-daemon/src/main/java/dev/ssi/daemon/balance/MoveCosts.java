package dev.ssi.daemon.balance;

import dev.ssi.scheduler.NodeName;
import dev.ssi.scheduler.TransferCost;

/**
 * What a move costs, learnt from the moves this node made and those it received (a link's rate
 * is taken to be the same both ways): the time a small job is frozen is the fixed cost of any
 * move (CRIU's start, the calls, the restore's set-up), and what a big image adds beyond that
 * and its restore is its streaming time, which gives that link's rate. Until a move measured
 * them, the configured link rate and this project's measured dump and restore rates stand in
 * ({@link TransferCost#lanDefaults()}). Thread-safe.
 */
final class MoveCosts {
    /** Images smaller than this say nothing about a link: their time is all fixed cost. */
    static final long SMALL_IMAGE_BYTES = 8L << 20;
    /** Weight of the newest measurement in the running averages. */
    static final double WEIGHT = 0.3;

    private TransferCost cost;

    MoveCosts(double linkBytesPerSecond) {
        TransferCost lan = TransferCost.lanDefaults();
        cost = new TransferCost(lan.fixedSeconds(), lan.dumpBytesPerSecond(), lan.restoreBytesPerSecond(),
                linkBytesPerSecond, java.util.Map.of());
    }

    synchronized TransferCost current() {
        return cost;
    }

    /** A move to {@code destination} froze a job with {@code imageBytes} of images for {@code frozenSeconds}. */
    synchronized void moved(NodeName destination, long imageBytes, double frozenSeconds) {
        if (!(frozenSeconds > 0)) {
            return;
        }
        if (imageBytes < SMALL_IMAGE_BYTES) {
            double fixed = cost.fixedSeconds() + WEIGHT * (frozenSeconds - cost.fixedSeconds());
            cost = new TransferCost(fixed, cost.dumpBytesPerSecond(), cost.restoreBytesPerSecond(),
                    cost.defaultLinkBytesPerSecond(), cost.measuredLinkBytesPerSecond());
            return;
        }
        double streaming = frozenSeconds - cost.fixedSeconds() - imageBytes / cost.restoreBytesPerSecond();
        if (streaming > 0) {
            double measured = imageBytes / streaming;
            double known = cost.linkBytesPerSecond(destination);
            boolean first = !cost.measuredLinkBytesPerSecond().containsKey(destination);
            cost = cost.withMeasuredLink(destination, first ? measured : known + WEIGHT * (measured - known));
        }
    }
}
