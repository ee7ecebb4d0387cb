package dev.ssi.scheduler.sim;

import dev.ssi.scheduler.GuestOffer;
import dev.ssi.scheduler.Health;
import dev.ssi.scheduler.LoadVector;
import dev.ssi.scheduler.NodeName;
import dev.ssi.scheduler.PeerInfo;
import dev.ssi.scheduler.gossip.GossipConfig;
import dev.ssi.scheduler.gossip.GossipSend;
import dev.ssi.scheduler.gossip.GossipWindow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/** How old the information of a node's gossip window is, as the pool grows at constant cost per node. */
public final class StalenessStudy {
    /** What a pool of {@code nodes} nodes knows in steady state. */
    public record Row(int nodes, double knownPeers, double meanAgeSeconds, double p95AgeSeconds,
                      double freshestWindowAgeSeconds, int entriesSentPerInterval) {
    }

    private static final int WARM_UP_ROUNDS = 90;
    private static final int MEASURED_ROUNDS = 10;
    private static final int SAMPLED_NODES = 200;

    private StalenessStudy() {
    }

    public static Row measure(int nodes, GossipConfig config, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<GossipWindow> windows = new ArrayList<>(nodes);
        List<NodeName> ids = new ArrayList<>(nodes);
        for (int i = 0; i < nodes; i++) {
            ids.add(new NodeName("n" + i));
        }
        for (int i = 0; i < nodes; i++) {
            GossipWindow window = new GossipWindow(ids.get(i), config, List.of(ids.get((i + 1) % nodes)));
            window.updateSelf(idleVector(ids.get(i)), 0);
            windows.add(window);
        }
        List<Double> ages = new ArrayList<>();
        double known = 0;
        double windowAge = 0;
        int samples = 0;
        for (int round = 0; round < WARM_UP_ROUNDS + MEASURED_ROUNDS; round++) {
            long now = round * config.intervalMillis();
            for (int i = 0; i < nodes; i++) {
                windows.get(i).updateSelf(idleVector(ids.get(i)), now);
            }
            for (GossipWindow window : windows) {
                for (GossipSend send : window.tick(now, random)) {
                    windows.get(Integer.parseInt(send.to().name().substring(1))).receive(send.message(), now);
                }
            }
            if (round >= WARM_UP_ROUNDS) {
                for (int i = 0; i < Math.min(nodes, SAMPLED_NODES); i++) {
                    double[] nodeAges = windows.get(i * (nodes / Math.min(nodes, SAMPLED_NODES))).view(now).peers()
                            .stream().mapToDouble(PeerInfo::ageMillis).map(age -> age / 1000).sorted().toArray();
                    Arrays.stream(nodeAges).forEach(ages::add);
                    known += nodeAges.length;
                    int freshest = Math.min(config.windowSize(), nodeAges.length);
                    windowAge += freshest == 0 ? 0 : Arrays.stream(nodeAges, 0, freshest).average().orElse(0);
                    samples++;
                }
            }
        }
        double[] sorted = ages.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Row(nodes, known / samples, Arrays.stream(sorted).average().orElse(0),
                sorted.length == 0 ? 0 : sorted[(int) Math.ceil(0.95 * sorted.length) - 1],
                windowAge / samples, config.fanout() * config.windowSize());
    }

    private static LoadVector idleVector(NodeName id) {
        return new LoadVector(id, 4, 1.0, 0, 0, 0, false, 8L << 30, 8L << 30,
                new GuestOffer(true, 10, 0.1, 4L << 30, Set.of()), Health.OK);
    }
}
