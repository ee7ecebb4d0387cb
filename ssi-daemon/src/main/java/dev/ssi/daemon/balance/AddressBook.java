package dev.ssi.daemon.balance;

import dev.ssi.scheduler.NodeName;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where each node listens, as the freshest gossip about it said: a node is told of peers it was
 * never configured with by the entries that mention them. Not thread-safe: the gossip thread
 * owns it.
 */
final class AddressBook {
    private record Known(InetSocketAddress address, long bornAtMillis) {}

    private final Map<NodeName, Known> known = new HashMap<>();

    /** Addresses from configuration: older than anything gossip will say. */
    void configured(NodeName node, InetSocketAddress address) {
        known.putIfAbsent(node, new Known(address, Long.MIN_VALUE));
    }

    /** Takes {@code address} if it is newer news than what was known; true when that changed the node's address. */
    boolean learn(NodeName node, InetSocketAddress address, long bornAtMillis) {
        Known current = known.get(node);
        if (current != null && current.bornAtMillis() >= bornAtMillis) {
            return false;
        }
        known.put(node, new Known(address, bornAtMillis));
        return current == null || !current.address().equals(address);
    }

    Optional<InetSocketAddress> of(NodeName node) {
        return Optional.ofNullable(known.get(node)).map(Known::address);
    }
}
