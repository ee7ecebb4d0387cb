package dev.ssi.scheduler.gossip;

import dev.ssi.scheduler.NodeName;

/** A message the daemon should send, and to whom. */
public record GossipSend(NodeName to, GossipMessage message) {
}
