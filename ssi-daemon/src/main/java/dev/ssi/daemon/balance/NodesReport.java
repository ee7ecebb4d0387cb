package dev.ssi.daemon.balance;

import dev.ssi.daemon.confine.GuestsConfig;
import dev.ssi.daemon.node.Node;
import dev.ssi.scheduler.HostMode;
import dev.ssi.scheduler.LoadVector;
import dev.ssi.scheduler.NodeName;
import dev.ssi.scheduler.NodeState;
import dev.ssi.scheduler.PeerInfo;
import dev.ssi.scheduler.gossip.GossipWindow;
import dev.ssi.scheduler.gossip.MemberState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code ssi nodes}: every node this one knows, itself first, with what it knows of each one's
 * load and how old that is. A node only configured or introduced, never heard from, is
 * "unknown"; one silent too long is "suspect" until it is forgotten. This node says which rules
 * reclaimed it, if any ({@code reclaimed_by}: drained, stopping, owner-load, input, schedule).
 */
final class NodesReport {
    private NodesReport() {}

    static List<Map<String, Object>> rows(Node node, NodeState latest, HostMode mode, Set<Reclaim.Reason> reclaimedBy,
            long measuredAtNanos, GossipWindow window, AddressBook addresses, long nowMillis) {
        Map<NodeName, PeerInfo> heard = new HashMap<>();
        window.known(nowMillis).forEach(peer -> heard.put(peer.vector().node(), peer));
        Map<NodeName, MemberState> members = window.members(nowMillis);
        List<Map<String, Object>> rows = new ArrayList<>();
        List<NodeName> listed = new ArrayList<>();
        for (Map<String, Object> known : node.directory().nodes()) {
            NodeName id = new NodeName((String) known.get("node"));
            listed.add(id);
            boolean self = Boolean.TRUE.equals(known.get("self"));
            Map<String, Object> row = new LinkedHashMap<>(known);
            if (self) {
                describe(row, "self", latest == null ? null : latest.vector(),
                        latest == null ? null : (System.nanoTime() - measuredAtNanos) / 1_000_000);
                row.put("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
                row.put("reclaimed_by", reclaimedBy.isEmpty() ? null
                        : reclaimedBy.stream().map(Reclaim.Reason::label).collect(Collectors.joining(",")));
                terms(row, node);
            } else if (heard.containsKey(id)) {
                describe(row, members.get(id).name().toLowerCase(java.util.Locale.ROOT), heard.get(id).vector(),
                        heard.get(id).ageMillis());
            } else {
                describe(row, "unknown", null, null);
            }
            rows.add(row);
        }
        // Nodes heard of through others that this node cannot reach: no address came with them.
        heard.values().stream().filter(peer -> !listed.contains(peer.vector().node()))
                .sorted(java.util.Comparator.comparing(peer -> peer.vector().node()))
                .forEach(peer -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("node", peer.vector().node().name());
                    row.put("address", addresses.of(peer.vector().node()).map(Addresses::format).orElse(""));
                    row.put("self", false);
                    describe(row, members.get(peer.vector().node()).name().toLowerCase(java.util.Locale.ROOT),
                            peer.vector(), peer.ageMillis());
                    rows.add(row);
                });
        return rows;
    }

    private static void describe(Map<String, Object> row, String state, LoadVector v, Long ageMillis) {
        row.put("state", state);
        row.put("age_s", ageMillis == null ? null : Math.round(ageMillis / 100.0) / 10.0);
        if (v == null) {
            return;
        }
        row.put("cpus", round(v.cpus()));
        row.put("speed", round(v.cpuSpeed()));
        row.put("home_jobs", v.homeJobs());
        row.put("guest_jobs", v.guestJobs());
        row.put("owner_load", round(v.ownerLoad()));
        row.put("owner_active", v.ownerActive());
        row.put("accepting", v.offer().accepting());
        row.put("mode", gossipedMode(v));
        row.put("guest_places", v.offer().maxGuestJobs());
        row.put("free_mb", v.freeMemoryBytes() >> 20);
        row.put("total_mb", v.totalMemoryBytes() >> 20);
        // What gossip carries of a peer's terms: its guests (runnable ones) of its free places, the CPU
        // they get while its owner works, whose jobs it takes. Its nice level it does not say.
        row.put("guests", v.guestJobs() + "/" + v.offer().maxGuestJobs());
        row.put("nice", null);
        row.put("cpu_max", round(v.offer().guestCpusWhileOwnerActive()));
        row.put("users", users(v.offer().acceptedUsers()));
    }

    /** This node's own terms for guests, as {@code ssi host} shows them in full. */
    private static void terms(Map<String, Object> row, Node node) {
        GuestsConfig terms = node.host().guestTerms();
        long guests = node.host().hosted().stream().filter(h -> !h.home().equals(node.id())).count();
        row.put("guests", guests + "/" + terms.maxGuests());
        row.put("nice", terms.nice());
        row.put("cpu_max", terms.settings().get("guests.cpu-max"));
        row.put("users", users(terms.users()));
    }

    private static String users(java.util.Set<String> users) {
        return users.isEmpty() ? "*" : String.join(",", new java.util.TreeSet<>(users));
    }

    /** A peer's mode as its gossip tells it: it says whether it takes guests and whether its owner is there. */
    private static String gossipedMode(LoadVector v) {
        HostMode mode = v.offer().accepting() ? HostMode.OPEN : v.ownerActive() ? HostMode.RECLAIMING : HostMode.CLOSED;
        return mode.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
