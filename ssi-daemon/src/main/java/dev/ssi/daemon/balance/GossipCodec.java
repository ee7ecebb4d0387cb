package dev.ssi.daemon.balance;

import dev.ssi.daemon.balance.BalanceMessages.Entry;
import dev.ssi.daemon.balance.BalanceMessages.Gossip;
import dev.ssi.daemon.balance.BalanceMessages.Offer;
import dev.ssi.daemon.balance.load.Ids;
import dev.ssi.scheduler.GuestOffer;
import dev.ssi.scheduler.Health;
import dev.ssi.scheduler.LoadVector;
import dev.ssi.scheduler.NodeName;
import dev.ssi.scheduler.gossip.GossipEntry;
import dev.ssi.scheduler.gossip.GossipMessage;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The scheduler's gossip messages on the wire, with where each node listens. Whatever comes in
 * is checked before the scheduler sees it: names, numbers (finite, in range), addresses (IP
 * literals), and that the sender is who its certificate says.
 */
public final class GossipCodec {
    /** More entries than any sensible window: a longer message is malformed. */
    static final int MAX_ENTRIES = 1024;

    /** A message as received, with the addresses its entries gave. */
    public record Decoded(GossipMessage message, Map<NodeName, InetSocketAddress> addresses) {}

    private GossipCodec() {}

    public static Gossip encode(GossipMessage message, Function<NodeName, Optional<InetSocketAddress>> addresses) {
        Gossip.Builder gossip = Gossip.newBuilder().setFrom(message.from().name());
        for (GossipEntry entry : message.entries()) {
            gossip.addEntries(encode(entry, addresses.apply(entry.vector().node()).map(Addresses::format).orElse("")));
        }
        return gossip.build();
    }

    /** @param sender the node the connection's certificate proves sent it */
    public static Decoded decode(Gossip gossip, dev.ssi.transport.NodeId sender) {
        if (!gossip.getFrom().equals(sender.value())) {
            throw new IllegalArgumentException("gossip from " + sender + " claims to be from '" + gossip.getFrom() + "'");
        }
        if (gossip.getEntriesCount() > MAX_ENTRIES) {
            throw new IllegalArgumentException("gossip from " + sender + " has " + gossip.getEntriesCount()
                    + " entries, more than " + MAX_ENTRIES);
        }
        List<GossipEntry> entries = new ArrayList<>();
        Map<NodeName, InetSocketAddress> addresses = new HashMap<>();
        for (Entry entry : gossip.getEntriesList()) {
            GossipEntry decoded = decode(entry);
            entries.add(decoded);
            if (!entry.getAddress().isEmpty()) {
                addresses.put(decoded.vector().node(), address(entry));
            }
        }
        return new Decoded(new GossipMessage(Ids.scheduler(sender), entries), addresses);
    }

    private static Entry encode(GossipEntry entry, String address) {
        LoadVector v = entry.vector();
        GuestOffer o = v.offer();
        return Entry.newBuilder().setNode(v.node().name()).setAddress(address).setAgeMillis(entry.ageMillis())
                .setCpus(v.cpus()).setCpuSpeed(v.cpuSpeed()).setHomeJobs(v.homeJobs()).setGuestJobs(v.guestJobs())
                .setOwnerLoad(v.ownerLoad()).setOwnerActive(v.ownerActive()).setFreeMemoryBytes(v.freeMemoryBytes())
                .setTotalMemoryBytes(v.totalMemoryBytes())
                .setOffer(Offer.newBuilder().setAccepting(o.accepting()).setMaxGuestJobs(o.maxGuestJobs())
                        .setGuestCpusWhileOwnerActive(o.guestCpusWhileOwnerActive())
                        .setGuestMemoryLimitBytes(o.guestMemoryLimitBytes()).addAllAcceptedUsers(o.acceptedUsers()))
                .setHealth(BalanceMessages.Health.valueOf(v.health().name()))
                .build();
    }

    private static GossipEntry decode(Entry e) {
        String node = e.getNode();
        dev.ssi.transport.NodeId.of(node); // the same names as certificates: throws if not one
        Offer o = e.getOffer();
        if (e.getHealth() == BalanceMessages.Health.UNRECOGNIZED) {
            throw new IllegalArgumentException("entry of " + node + " has an unknown health");
        }
        GuestOffer offer = new GuestOffer(o.getAccepting(), count(o.getMaxGuestJobs(), "max guest jobs", node),
                finite(o.getGuestCpusWhileOwnerActive(), "guest CPUs", node),
                size(o.getGuestMemoryLimitBytes(), "guest memory limit", node), Set.copyOf(o.getAcceptedUsersList()));
        LoadVector vector = new LoadVector(new NodeName(node), finite(e.getCpus(), "CPUs", node),
                finite(e.getCpuSpeed(), "CPU speed", node), count(e.getHomeJobs(), "home jobs", node),
                count(e.getGuestJobs(), "guest jobs", node), finite(e.getOwnerLoad(), "owner load", node),
                e.getOwnerActive(), e.getFreeMemoryBytes(), size(e.getTotalMemoryBytes(), "total memory", node), offer,
                Health.valueOf(e.getHealth().name()));
        return new GossipEntry(vector, size(e.getAgeMillis(), "age", node));
    }

    private static InetSocketAddress address(Entry entry) {
        try {
            return Addresses.parse(entry.getAddress());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("entry of " + entry.getNode() + ": " + e.getMessage(), e);
        }
    }

    private static double finite(double value, String what, String node) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("entry of " + node + ": " + what + " is " + value);
        }
        return value;
    }

    /** A uint32 that Java reads as negative is beyond any count. */
    private static int count(int value, String what, String node) {
        if (value < 0) {
            throw new IllegalArgumentException("entry of " + node + ": " + what + " out of range");
        }
        return value;
    }

    /** Likewise a uint64. */
    private static long size(long value, String what, String node) {
        if (value < 0) {
            throw new IllegalArgumentException("entry of " + node + ": " + what + " out of range");
        }
        return value;
    }
}
