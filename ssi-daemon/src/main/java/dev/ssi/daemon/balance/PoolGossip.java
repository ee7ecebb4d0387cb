package dev.ssi.daemon.balance;

import dev.ssi.daemon.balance.BalanceMessages.Gossip;
import dev.ssi.daemon.balance.load.Ids;
import dev.ssi.daemon.node.Node;
import dev.ssi.scheduler.LoadVector;
import dev.ssi.scheduler.NodeName;
import dev.ssi.scheduler.gossip.GossipEntry;
import dev.ssi.scheduler.gossip.GossipSend;
import dev.ssi.scheduler.gossip.GossipWindow;
import dev.ssi.transport.NodeId;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The gossip of one node: its window of what it has heard of every node's load, and the address
 * book that gossip fills. Each round it sends its own load with the freshest news to a few
 * random peers; from what it receives it learns the load of others, and the addresses of nodes
 * it was never configured with, which it introduces to the node's directory. Used only from
 * {@link Balance}'s thread.
 */
final class PoolGossip {
    private static final System.Logger LOG = System.getLogger(PoolGossip.class.getName());

    private final Node node;
    private final NodeName self;
    private final GossipWindow window;
    private final AddressBook addresses;

    /** Gossip for {@code node}, seeded with the configured {@code peers}; it advertises itself as its config says. */
    PoolGossip(Node node, NodeName self, BalanceConfig config, Map<String, InetSocketAddress> peers) {
        this.node = node;
        this.self = self;
        List<NodeName> seeds = peers.keySet().stream().map(NodeName::new).toList();
        this.window = new GossipWindow(self, config.gossip(), seeds);
        this.addresses = new AddressBook(config.gossip().maxKnown(), config.gossip().removeAfterMillis());
        peers.forEach((name, address) -> addresses.configured(new NodeName(name), address));
        // Listening on port 0 (tests) means the port the transport was given.
        config.advertise().map(a -> a.getPort() != 0 ? a : new InetSocketAddress(a.getAddress(), node.address().getPort()))
                .ifPresent(address -> addresses.configured(self, address));
    }

    /** What this node has heard of the pool; the decisions read it and note what they dispatch in it. */
    GossipWindow window() {
        return window;
    }

    AddressBook addresses() {
        return addresses;
    }

    /** Takes this node's own latest load into the window and sends what this round's tick says to send. */
    void spread(LoadVector own, long now, RandomGenerator random) {
        window.updateSelf(own, now);
        for (NodeName gone : addresses.expire(now)) {
            LOG.log(System.Logger.Level.INFO, "node " + gone + " not heard of for a while: its address is forgotten");
            node.directory().forget(Ids.transport(gone));
        }
        for (GossipSend send : window.tick(now, random)) {
            NodeId to = Ids.transport(send.to());
            node.directory().send(to, Balance.GOSSIP, GossipCodec.encode(send.message(), addresses::of)).exceptionally(failure -> {
                LOG.log(System.Logger.Level.DEBUG, "gossip to " + to + " not sent: " + failure);
                return null;
            });
        }
    }

    /**
     * What {@code from} says of where {@code about} listens: its own address it may move; of a
     * third node it may only tell one not known yet. False when it tried to re-point a known one.
     */
    private boolean learn(NodeId from, NodeName about, InetSocketAddress address, long now) {
        NodeId peer = Ids.transport(about);
        boolean itself = peer.equals(from);
        if (!itself && addresses.knowsOtherwise(about, address)) {
            return false;
        }
        if (itself ? addresses.fromItself(about, address, now) : addresses.fromOthers(about, address, now)) {
            LOG.log(System.Logger.Level.INFO, "node " + about + " is at " + Addresses.format(address)
                    + " (heard from " + from + ")");
            if (itself) {
                node.directory().moved(peer, address);
            } else {
                node.directory().introduce(peer, address);
            }
        }
        return true;
    }

    /** Takes in gossip from {@code from}: the news of load, and addresses of nodes not known before. */
    void received(NodeId from, Gossip gossip) {
        GossipCodec.Decoded decoded;
        try {
            decoded = GossipCodec.decode(gossip, from);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "gossip from " + from + " dropped: " + e.getMessage());
            return;
        }
        long now = System.currentTimeMillis();
        window.receive(decoded.message(), now);
        List<NodeName> repointed = new ArrayList<>();
        for (GossipEntry entry : decoded.message().entries()) {
            NodeName about = entry.vector().node();
            InetSocketAddress address = decoded.addresses().get(about);
            if (address != null && !about.equals(self) && !learn(from, about, address, now)) {
                repointed.add(about);
            }
        }
        if (!repointed.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "gossip from " + from + " gave other addresses for " + repointed
                    + ": ignored, only a node itself moves its address");
        }
    }
}
