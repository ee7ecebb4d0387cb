package dev.ssi.scheduler.gossip;

import dev.ssi.scheduler.NodeId;

/** A message the daemon should send, and to whom. */
public record GossipSend(NodeId to, GossipMessage message) {
}
