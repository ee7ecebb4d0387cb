package dev.ssi.scheduler.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.scheduler.GuestOffer;
import dev.ssi.scheduler.Health;
import dev.ssi.scheduler.JobName;
import dev.ssi.scheduler.JobInfo;
import dev.ssi.scheduler.LoadVector;
import dev.ssi.scheduler.NodeName;
import dev.ssi.scheduler.PeerInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GossipWindowTest {
    private static final GossipConfig CONFIG = new GossipConfig(1_000, 2, 4, 8, 5_000, 20_000);
    private final NodeName a = new NodeName("a");
    private final SplittableRandom random = new SplittableRandom(11);

    private static LoadVector vector(String node, int guests) {
        return new LoadVector(new NodeName(node), 2, 1.0, 0, guests, 0, false, 1L << 30, 1L << 30,
                new GuestOffer(true, 10, 0.1, 1L << 30, Set.of()), Health.OK);
    }

    private static GossipMessage message(String from, long age, String... nodes) {
        return new GossipMessage(new NodeName(from), List.of(nodes).stream()
                .map(n -> new GossipEntry(vector(n, 0), age)).toList());
    }

    @Test
    void aNodeNeverHeardOfIsLearnedFromItsFirstEntry() {
        GossipWindow window = new GossipWindow(a, CONFIG, List.of());
        window.receive(message("b", 300, "b", "c"), 10_000);
        assertEquals(Map.of(new NodeName("b"), MemberState.ALIVE, new NodeName("c"), MemberState.ALIVE),
                window.members(10_000));
        assertEquals(300, window.view(10_000).peers().get(0).ageMillis());
    }

    @Test
    void entriesAgeThenTheirNodeIsSuspectedThenForgotten() {
        GossipWindow window = new GossipWindow(a, CONFIG, List.of());
        window.receive(message("b", 0, "b"), 0);
        assertEquals(MemberState.ALIVE, window.members(5_000).get(new NodeName("b")));
        assertEquals(MemberState.SUSPECT, window.members(5_001).get(new NodeName("b")));
        assertTrue(window.view(5_001).peers().isEmpty(), "a suspect gets no work");
        assertEquals(List.of(new PeerInfo(vector("b", 0), 5_001)), window.known(5_001), "but is still shown");
        window.tick(20_001, random);
        assertTrue(window.members(20_001).isEmpty());
        assertTrue(window.known(20_001).isEmpty());
    }

    @Test
    void onlyFresherNewsReplacesWhatIsKnown() {
        GossipWindow window = new GossipWindow(a, CONFIG, List.of());
        window.receive(new GossipMessage(new NodeName("b"), List.of(new GossipEntry(vector("b", 1), 100))), 1_000);
        window.receive(new GossipMessage(new NodeName("c"), List.of(new GossipEntry(vector("b", 2), 500))), 1_000);
        assertEquals(1, window.view(1_000).peers().get(0).vector().guestJobs());
        window.receive(new GossipMessage(new NodeName("c"), List.of(new GossipEntry(vector("b", 3), 0))), 1_200);
        assertEquals(3, window.view(1_200).peers().get(0).vector().guestJobs());
    }

    @Test
    void eachRoundSendsOwnVectorAndTheFreshestToAFixedNumberOfPeers() {
        GossipWindow window = new GossipWindow(a, CONFIG, List.of());
        window.updateSelf(vector("a", 0), 0);
        window.receive(message("b", 900, "b"), 1_000);
        window.receive(message("c", 100, "c", "d", "e"), 1_000);
        window.receive(message("f", 50, "f"), 1_000);
        List<GossipSend> sends = window.tick(1_000, random);
        assertEquals(2, sends.size());
        assertFalse(sends.get(0).to().equals(sends.get(1).to()));
        List<GossipEntry> entries = sends.get(0).message().entries();
        assertEquals(4, entries.size());
        assertEquals(a, entries.get(0).vector().node());
        assertEquals(1_000, entries.get(0).ageMillis());
        assertEquals(new NodeName("f"), entries.get(1).vector().node());
        assertFalse(entries.stream().anyMatch(e -> e.vector().node().equals(new NodeName("b"))), "b is the stalest");
    }

    @Test
    void withNothingKnownItGossipsToItsSeeds() {
        GossipWindow window = new GossipWindow(a, CONFIG, List.of(new NodeName("seed"), a));
        window.updateSelf(vector("a", 0), 0);
        assertEquals(List.of(new NodeName("seed")), window.tick(0, random).stream().map(GossipSend::to).toList());
    }

    @Test
    void itKeepsOnlyTheFreshestEntriesItHasRoomFor() {
        GossipWindow window = new GossipWindow(a, CONFIG, List.of());
        for (int i = 0; i < 12; i++) {
            window.receive(message("n" + i, 12 - i, "n" + i), 0);
        }
        window.tick(0, random);
        Set<NodeName> kept = new HashSet<>(window.members(0).keySet());
        assertEquals(8, kept.size());
        assertTrue(kept.contains(new NodeName("n11")));
        assertFalse(kept.contains(new NodeName("n0")));
    }

    @Test
    void aDispatchedJobCountsUntilFresherNewsComes() {
        GossipWindow window = new GossipWindow(a, CONFIG, List.of());
        window.receive(message("b", 0, "b"), 0);
        window.noteDispatched(new NodeName("b"), new JobInfo(new JobName("j"), "u", a, false, 0, 1, 1L << 20, 0, 0));
        PeerInfo b = window.view(0).peers().get(0);
        assertEquals(1, b.vector().guestJobs());
        assertEquals((1L << 30) - (1L << 20), b.vector().freeMemoryBytes());
        window.receive(message("b", 0, "b"), 1_000);
        assertEquals(0, window.view(1_000).peers().get(0).vector().guestJobs());
    }

    @Test
    void aNodeIgnoresNewsAboutItselfAndRejectsAForeignOwnVector() {
        GossipWindow window = new GossipWindow(a, CONFIG, List.of());
        window.receive(message("b", 0, "a"), 0);
        assertTrue(window.members(0).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> window.updateSelf(vector("b", 0), 0));
    }

    @Test
    void aPoolLearnsEveryoneAndKeepsInformationYoung() {
        int nodes = 50;
        List<GossipWindow> windows = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            windows.add(new GossipWindow(new NodeName("n" + i), GossipConfig.defaults(), List.of(new NodeName("n" + ((i + 1) % nodes)))));
        }
        for (long t = 0; t <= 30_000; t += 1_000) {
            for (int i = 0; i < nodes; i++) {
                windows.get(i).updateSelf(vector("n" + i, 0), t);
            }
            for (GossipWindow w : windows) {
                for (GossipSend send : w.tick(t, random)) {
                    windows.get(Integer.parseInt(send.to().name().substring(1))).receive(send.message(), t);
                }
            }
        }
        for (GossipWindow w : windows) {
            assertEquals(nodes - 1, w.members(30_000).size());
            List<PeerInfo> alive = w.view(30_000).peers();
            assertTrue(alive.size() >= 0.9 * (nodes - 1), "most peers are fresh enough to get work");
            assertTrue(alive.stream().mapToLong(PeerInfo::ageMillis).average().orElseThrow() < 5_000);
        }
    }
}
