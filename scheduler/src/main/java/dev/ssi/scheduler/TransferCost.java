package dev.ssi.scheduler;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How long moving a job freezes it: CRIU dumps while the images stream, so the slower of dump
 * and link sets the pace; then the destination restores. Link rates are measured by the
 * daemon (bytes of past migrations over their time) and fall back to a default.
 */
public record TransferCost(double fixedSeconds, double dumpBytesPerSecond,
                           double restoreBytesPerSecond, double defaultLinkBytesPerSecond,
                           Map<NodeName, Double> measuredLinkBytesPerSecond) {
    public TransferCost {
        if (fixedSeconds < 0 || !(dumpBytesPerSecond > 0) || !(restoreBytesPerSecond > 0)
                || !(defaultLinkBytesPerSecond > 0)) {
            throw new IllegalArgumentException("transfer cost needs positive rates");
        }
        measuredLinkBytesPerSecond = Map.copyOf(Objects.requireNonNull(measuredLinkBytesPerSecond));
    }

    /** Figures measured on this project's machines (docs/criu-on-this-machine.md): 1 GiB dumps in ~3.4 s, restores in ~0.6 s; 1 Gbit/s LAN. */
    public static TransferCost lanDefaults() {
        return new TransferCost(0.3, 300e6, 1.7e9, 117e6, Map.of());
    }

    public double linkBytesPerSecond(NodeName destination) {
        return measuredLinkBytesPerSecond.getOrDefault(destination, defaultLinkBytesPerSecond);
    }

    public double seconds(long memoryBytes, NodeName destination) {
        double streaming = Math.min(dumpBytesPerSecond, linkBytesPerSecond(destination));
        return fixedSeconds + memoryBytes / streaming + memoryBytes / restoreBytesPerSecond;
    }

    /** The least a move of {@code memoryBytes} can cost, to any destination: dump and restore. */
    public double minimumSeconds(long memoryBytes) {
        return fixedSeconds + memoryBytes / dumpBytesPerSecond + memoryBytes / restoreBytesPerSecond;
    }

    public TransferCost withMeasuredLink(NodeName destination, double bytesPerSecond) {
        if (!(bytesPerSecond > 0)) {
            throw new IllegalArgumentException("link rate must be positive");
        }
        Map<NodeName, Double> links = new HashMap<>(measuredLinkBytesPerSecond);
        links.put(destination, bytesPerSecond);
        return new TransferCost(fixedSeconds, dumpBytesPerSecond, restoreBytesPerSecond,
                defaultLinkBytesPerSecond, links);
    }
}
