package dev.ssi.transport.connection;

import dev.ssi.transport.NodeId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One connection per peer pair. When both nodes dial each other at once, both keep the
 * connection dialed by the node with the smaller id and retire the other: it takes no new work
 * and closes once what was already under way on it is over.
 */
final class PeerRegistry {
    private final NodeId self;
    private final Map<NodeId, Peer> peers = new ConcurrentHashMap<>();

    PeerRegistry(NodeId self) {
        this.self = self;
    }

    /** Registers a freshly authenticated peer and returns the connection to use for it. */
    synchronized Peer register(Peer candidate) {
        Peer existing = peers.get(candidate.id());
        if (existing == null || !existing.isOpen()) {
            peers.put(candidate.id(), candidate);
            return candidate;
        }
        Peer keep = dialer(existing).compareTo(dialer(candidate)) <= 0 ? existing : candidate;
        Peer drop = keep == existing ? candidate : existing;
        peers.put(keep.id(), keep);
        drop.retire("duplicate connection; keeping the one " + dialer(keep) + " dialed");
        return keep;
    }

    synchronized void remove(Peer peer) {
        peers.remove(peer.id(), peer);
    }

    Optional<Peer> get(NodeId id) {
        return Optional.ofNullable(peers.get(id)).filter(Peer::isOpen);
    }

    Collection<Peer> all() {
        return List.copyOf(peers.values());
    }

    private NodeId dialer(Peer peer) {
        return peer.dialedHere() ? self : peer.id();
    }
}
