package dev.ssi.scheduler.gossip;

import dev.ssi.scheduler.NodeName;
import java.util.List;
import java.util.Objects;

/** What one node sends one peer in one round. */
public record GossipMessage(NodeName from, List<GossipEntry> entries) {
    public GossipMessage {
        Objects.requireNonNull(from, "from");
        entries = List.copyOf(entries);
    }
}
