package dev.ssi.scheduler.gossip;

import dev.ssi.scheduler.NodeId;
import java.util.List;
import java.util.Objects;

/** What one node sends one peer in one round. */
public record GossipMessage(NodeId from, List<GossipEntry> entries) {
    public GossipMessage {
        Objects.requireNonNull(from, "from");
        entries = List.copyOf(entries);
    }
}
