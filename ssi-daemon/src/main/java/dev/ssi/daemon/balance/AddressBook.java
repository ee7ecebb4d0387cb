package dev.ssi.daemon.balance;

import dev.ssi.scheduler.NodeName;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where each node listens, as gossip says: a node is told of peers it was never configured with
 * by the entries that mention them. Only a node itself moves its address (its own entry in its
 * own gossip, whose sender is its certificate's name); what others say of it adds a node not
 * known yet, while there is room, and never re-points a known one. Entries gossip has not
 * mentioned for a while are forgotten, those from configuration never. Not thread-safe: the
 * gossip thread owns it.
 */
final class AddressBook {
    private record Known(InetSocketAddress address, long heardAtMillis, boolean configured) {}

    private final int capacity;
    private final long forgetAfterMillis;
    private final Map<NodeName, Known> known = new HashMap<>();

    /** At most {@code capacity} nodes; one not mentioned for {@code forgetAfterMillis} is forgotten. */
    AddressBook(int capacity, long forgetAfterMillis) {
        this.capacity = capacity;
        this.forgetAfterMillis = forgetAfterMillis;
    }

    /** Addresses from configuration: kept until the node itself says otherwise, never forgotten. */
    void configured(NodeName node, InetSocketAddress address) {
        known.putIfAbsent(node, new Known(address, Long.MAX_VALUE, true));
    }

    /** {@code node} says where it listens itself: taken, room permitting; true when that changed its address. */
    boolean fromItself(NodeName node, InetSocketAddress address, long nowMillis) {
        Known current = known.get(node);
        if (current == null && known.size() >= capacity) {
            return false;
        }
        known.put(node, new Known(address, nowMillis, current != null && current.configured()));
        return current == null || !current.address().equals(address);
    }

    /**
     * Another node says where {@code node} listens: an unknown node is taken while there is
     * room (true); a known one keeps its address, and is kept longer only if that is the one said.
     */
    boolean fromOthers(NodeName node, InetSocketAddress address, long nowMillis) {
        Known current = known.get(node);
        if (current == null) {
            if (known.size() >= capacity) {
                return false;
            }
            known.put(node, new Known(address, nowMillis, false));
            return true;
        }
        if (current.address().equals(address) && !current.configured()) {
            known.put(node, new Known(address, Math.max(nowMillis, current.heardAtMillis()), false));
        }
        return false;
    }

    /** Forgets the nodes learnt from gossip that none has mentioned for too long, and names them. */
    List<NodeName> expire(long nowMillis) {
        List<NodeName> forgotten = known.entrySet().stream()
                .filter(e -> !e.getValue().configured() && nowMillis - e.getValue().heardAtMillis() > forgetAfterMillis)
                .map(Map.Entry::getKey).toList();
        forgotten.forEach(known::remove);
        return forgotten;
    }

    /** Whether {@code node}'s address was a different one than {@code address}. */
    boolean knowsOtherwise(NodeName node, InetSocketAddress address) {
        return of(node).filter(a -> !a.equals(address)).isPresent();
    }

    Optional<InetSocketAddress> of(NodeName node) {
        return Optional.ofNullable(known.get(node)).map(Known::address);
    }

    int size() {
        return known.size();
    }
}
