package dev.ssi.scheduler.gossip;

import dev.ssi.scheduler.JobInfo;
import dev.ssi.scheduler.LoadVector;
import dev.ssi.scheduler.NodeName;
import dev.ssi.scheduler.PeerInfo;
import dev.ssi.scheduler.PoolView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * One node's information about the pool, kept by randomized gossip in the manner of MOSIX
 * (Amar, Barak, Drezner, Okun 2009): each round the node sends its own vector and the freshest
 * entries it knows to a few random peers. Entries age; a peer whose freshest news is too old is
 * suspected, later forgotten; a peer never heard of is learned from the first entry about it.
 * Times are given, never read: the same object runs in the daemon and in the simulator.
 */
public final class GossipWindow {
    private record Known(LoadVector vector, long bornAtMillis) {
        NodeName node() {
            return vector.node();
        }
    }

    private static final Comparator<Known> OLDEST_FIRST =
            Comparator.comparingLong(Known::bornAtMillis).thenComparing(Known::node);

    private final NodeName self;
    private final GossipConfig config;
    private final List<NodeName> seeds;
    // The same entries three ways: by node, by age (for windows and expiry), and as a list (for
    // drawing peers at random); a round then costs O(window · log known), not O(known).
    private final Map<NodeName, Known> known = new HashMap<>();
    private final TreeSet<Known> byAge = new TreeSet<>(OLDEST_FIRST);
    private final List<NodeName> nodes = new ArrayList<>();
    private final Map<NodeName, Integer> positions = new HashMap<>();
    private Known own;

    /** @param seeds peers from configuration, always among those a round may pick */
    public GossipWindow(NodeName self, GossipConfig config, Collection<NodeName> seeds) {
        this.self = Objects.requireNonNull(self, "self");
        this.config = Objects.requireNonNull(config, "config");
        this.seeds = seeds.stream().filter(seed -> !seed.equals(self)).distinct().toList();
    }

    public NodeName self() {
        return self;
    }

    public void updateSelf(LoadVector vector, long nowMillis) {
        if (!vector.node().equals(self)) {
            throw new IllegalArgumentException("own vector names " + vector.node() + ", not " + self);
        }
        own = new Known(vector, nowMillis);
    }

    /** One round: forgets dead entries and returns the messages to send now. */
    public List<GossipSend> tick(long nowMillis, RandomGenerator random) {
        expire(nowMillis);
        if (own == null) {
            return List.of();
        }
        GossipMessage message = new GossipMessage(self, window(nowMillis));
        List<GossipSend> sends = new ArrayList<>();
        for (NodeName peer : pickPeers(random)) {
            sends.add(new GossipSend(peer, message));
        }
        return sends;
    }

    public void receive(GossipMessage message, long nowMillis) {
        for (GossipEntry entry : message.entries()) {
            NodeName node = entry.vector().node();
            long bornAt = nowMillis - entry.ageMillis();
            Known current = known.get(node);
            if (!node.equals(self) && entry.ageMillis() <= config.removeAfterMillis()
                    && (current == null || bornAt > current.bornAtMillis())) {
                put(new Known(entry.vector(), bornAt));
            }
        }
    }

    /** The live peers, as the scheduler should see them. */
    public PoolView view(long nowMillis) {
        List<PeerInfo> peers = new ArrayList<>();
        for (Known entry : known.values()) {
            long age = age(entry, nowMillis);
            if (age <= config.suspectAfterMillis()) {
                peers.add(new PeerInfo(entry.vector(), age));
            }
        }
        return new PoolView(peers);
    }

    /** Every peer still remembered, suspect ones too, with the age of what is known of it. */
    public List<PeerInfo> known(long nowMillis) {
        List<PeerInfo> peers = new ArrayList<>();
        for (Known entry : known.values()) {
            long age = age(entry, nowMillis);
            if (age <= config.removeAfterMillis()) {
                peers.add(new PeerInfo(entry.vector(), age));
            }
        }
        return peers;
    }

    public Map<NodeName, MemberState> members(long nowMillis) {
        Map<NodeName, MemberState> members = new HashMap<>();
        for (Map.Entry<NodeName, Known> entry : known.entrySet()) {
            long age = age(entry.getValue(), nowMillis);
            if (age <= config.removeAfterMillis()) {
                members.put(entry.getKey(),
                        age <= config.suspectAfterMillis() ? MemberState.ALIVE : MemberState.SUSPECT);
            }
        }
        return members;
    }

    /**
     * Counts a job this node just sent to {@code node} into what it knows of that node, until
     * fresher news arrives, so that it does not send the next job there as if nothing had come.
     */
    public void noteDispatched(NodeName node, JobInfo job) {
        Known entry = known.get(node);
        if (entry != null) {
            LoadVector vector = job.home().equals(node)
                    ? entry.vector().withExtraHomeJobs(1, job.memoryBytes())
                    : entry.vector().withExtraGuests(1, job.memoryBytes());
            put(new Known(vector, entry.bornAtMillis()));
        }
    }

    private List<GossipEntry> window(long nowMillis) {
        List<GossipEntry> entries = new ArrayList<>(config.windowSize());
        entries.add(new GossipEntry(own.vector(), age(own, nowMillis)));
        Iterator<Known> freshestFirst = byAge.descendingIterator();
        while (entries.size() < config.windowSize() && freshestFirst.hasNext()) {
            Known entry = freshestFirst.next();
            entries.add(new GossipEntry(entry.vector(), age(entry, nowMillis)));
        }
        return entries;
    }

    /**
     * Draws the round's peers from the known nodes and the seeds together. Seeds stay in the draw
     * for good: gossiping only to known nodes can split a pool into groups that know only each
     * other, and the configured seeds are what keeps every node reachable.
     */
    private Collection<NodeName> pickPeers(RandomGenerator random) {
        LinkedHashSet<NodeName> picked = new LinkedHashSet<>();
        int candidates = nodes.size() + seeds.size();
        for (int draw = 0; draw < 4 * config.fanout() && picked.size() < config.fanout() && candidates > 0; draw++) {
            int index = random.nextInt(candidates);
            picked.add(index < nodes.size() ? nodes.get(index) : seeds.get(index - nodes.size()));
        }
        return picked;
    }

    private void expire(long nowMillis) {
        while (!byAge.isEmpty()
                && (known.size() > config.maxKnown() || age(byAge.first(), nowMillis) > config.removeAfterMillis())) {
            remove(byAge.first().node());
        }
    }

    private void put(Known entry) {
        Known previous = known.put(entry.node(), entry);
        if (previous != null) {
            byAge.remove(previous);
        } else {
            positions.put(entry.node(), nodes.size());
            nodes.add(entry.node());
        }
        byAge.add(entry);
    }

    private void remove(NodeName node) {
        byAge.remove(known.remove(node));
        int position = positions.remove(node);
        NodeName last = nodes.remove(nodes.size() - 1);
        if (!last.equals(node)) {
            nodes.set(position, last);
            positions.put(last, position);
        }
    }

    private static long age(Known entry, long nowMillis) {
        return Math.max(0, nowMillis - entry.bornAtMillis());
    }
}
