package dev.ssi.scheduler;

import java.util.List;

/** What one node knows of the others (gossip's live entries), never including itself. */
public record PoolView(List<PeerInfo> peers) {
    public PoolView {
        peers = List.copyOf(peers);
    }

    public static PoolView empty() {
        return new PoolView(List.of());
    }
}
