package dev.ssi.daemon.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.daemon.balance.BalanceMessages.Gossip;
import dev.ssi.daemon.balance.load.Ids;
import dev.ssi.scheduler.GuestOffer;
import dev.ssi.scheduler.Health;
import dev.ssi.scheduler.LoadVector;
import dev.ssi.scheduler.NodeName;
import dev.ssi.scheduler.gossip.GossipEntry;
import dev.ssi.scheduler.gossip.GossipMessage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Gossip through its wire format and back, and what the way in refuses. */
class GossipCodecProperties {
    private record Round(GossipMessage message, Map<NodeName, InetSocketAddress> addresses) {}

    @Property(tries = 300)
    void aMessageAndItsAddressesComeBackAsTheyWent(@ForAll("rounds") Round round) throws Exception {
        Gossip wire = GossipCodec.encode(round.message(), node -> Optional.ofNullable(round.addresses().get(node)));
        Gossip received = Gossip.parseFrom(wire.toByteArray());
        GossipCodec.Decoded decoded = GossipCodec.decode(received, Ids.transport(round.message().from()));
        assertEquals(round.message(), decoded.message());
        assertEquals(round.addresses(), decoded.addresses());
    }

    @Example
    void aSenderThatClaimsToBeAnotherNodeIsRefused() {
        Gossip gossip = GossipCodec.encode(new GossipMessage(new NodeName("h1"), List.of()), node -> Optional.empty());
        var e = assertThrows(IllegalArgumentException.class,
                () -> GossipCodec.decode(gossip, dev.ssi.transport.NodeId.of("h2")));
        assertTrue(e.getMessage().contains("claims to be from 'h1'"), e.getMessage());
    }

    @Example
    void impossibleFiguresAndBadAddressesAreRefusedNamingTheNode() {
        Gossip good = GossipCodec.encode(new GossipMessage(new NodeName("h1"), List.of(new GossipEntry(vector("h2"), 5))),
                node -> Optional.of(new InetSocketAddress("10.0.0.2", 7420)));
        List<Gossip> bad = List.of(
                good.toBuilder().setEntries(0, good.getEntries(0).toBuilder().setCpus(Double.NaN)).build(),
                good.toBuilder().setEntries(0, good.getEntries(0).toBuilder().setCpus(0)).build(),
                good.toBuilder().setEntries(0, good.getEntries(0).toBuilder().setOwnerLoad(Double.POSITIVE_INFINITY)).build(),
                good.toBuilder().setEntries(0, good.getEntries(0).toBuilder().setHomeJobs(-1)).build(),
                good.toBuilder().setEntries(0, good.getEntries(0).toBuilder().setAgeMillis(-5)).build(),
                good.toBuilder().setEntries(0, good.getEntries(0).toBuilder().setAddress("h2.example:7420")).build(),
                good.toBuilder().setEntries(0, good.getEntries(0).toBuilder().setAddress("10.0.0.2:99999")).build(),
                good.toBuilder().setEntries(0, good.getEntries(0).toBuilder().setNode("H2 !")).build(),
                good.toBuilder().setEntries(0, good.getEntries(0).toBuilder().setHealthValue(7)).build());
        for (Gossip gossip : bad) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> GossipCodec.decode(Gossip.parseFrom(gossip.toByteArray()), dev.ssi.transport.NodeId.of("h1")),
                    gossip.toString());
            assertTrue(e.getMessage().contains("h2") || e.getMessage().contains("H2"), e.getMessage());
        }
        Gossip tooLong = good.toBuilder().addAllEntries(java.util.Collections.nCopies(GossipCodec.MAX_ENTRIES, good.getEntries(0)))
                .build();
        assertThrows(IllegalArgumentException.class, () -> GossipCodec.decode(tooLong, dev.ssi.transport.NodeId.of("h1")));
    }

    @Provide
    Arbitrary<Round> rounds() {
        Arbitrary<String> names = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-.").ofMinLength(1)
                .ofMaxLength(12).filter(name -> Character.isLetterOrDigit(name.charAt(0)));
        Arbitrary<List<String>> nodes = names.list().uniqueElements().ofMaxSize(20);
        Arbitrary<List<Function<String, LoadVector>>> vectors = vectors().list().ofSize(20);
        Arbitrary<Long> ages = Arbitraries.longs().between(0, 10_000_000_000L);
        Arbitrary<Optional<InetSocketAddress>> addresses = Arbitraries.oneOf(
                Arbitraries.just(Optional.empty()),
                Combinators.combine(Arbitraries.bytes().array(byte[].class).ofSize(4),
                        Arbitraries.integers().between(1, 65_535)).as((ip, port) -> Optional.of(address(ip, port))),
                Combinators.combine(Arbitraries.bytes().array(byte[].class).ofSize(16),
                        Arbitraries.integers().between(1, 65_535)).as((ip, port) -> Optional.of(address(ip, port))));
        return Combinators.combine(names, nodes, vectors, ages.list().ofSize(20), addresses.list().ofSize(20))
                .as((from, list, vectorList, ageList, addressList) -> {
                    List<GossipEntry> entries = new ArrayList<>();
                    Map<NodeName, InetSocketAddress> known = new HashMap<>();
                    for (int i = 0; i < list.size(); i++) {
                        LoadVector vector = vectorList.get(i).apply(list.get(i));
                        entries.add(new GossipEntry(vector, ageList.get(i)));
                        addressList.get(i).ifPresent(a -> known.put(vector.node(), a));
                    }
                    return new Round(new GossipMessage(new NodeName(from), entries), known);
                });
    }

    /**
     * Vectors with random figures, negative free memory included (a sender may overdraw it), for
     * the node they are given. No flatMap: jqwik builds new generators for every value a flatMap
     * sees, which made this property take half a minute.
     */
    private static Arbitrary<Function<String, LoadVector>> vectors() {
        Arbitrary<GuestOffer> offers = Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(0, 100),
                Arbitraries.doubles().between(0, 64), Arbitraries.longs().greaterOrEqual(0),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8).set().ofMaxSize(3)).as(GuestOffer::new);
        Arbitrary<double[]> figures = Combinators.combine(Arbitraries.doubles().between(0.01, 1024),
                Arbitraries.doubles().between(0.01, 16), Arbitraries.integers().between(0, 10_000),
                Arbitraries.integers().between(0, 10_000), Arbitraries.doubles().between(0, 500), Arbitraries.of(true, false))
                .as((cpus, speed, home, guests, owner, active) -> new double[] {cpus, speed, home, guests, owner,
                        active ? 1 : 0});
        return Combinators.combine(figures, offers, Arbitraries.of(Health.values()), Arbitraries.longs(),
                Arbitraries.longs().greaterOrEqual(0)).as((f, offer, health, free, total) -> name -> new LoadVector(
                        new NodeName(name), f[0], f[1], (int) f[2], (int) f[3], f[4], f[5] == 1, free, total, offer, health));
    }

    private static LoadVector vector(String name) {
        return new LoadVector(new NodeName(name), 0.4, 1.0, 1, 2, 0.5, false, 1L << 30, 2L << 30,
                new GuestOffer(true, 4, 0.1, 4L << 30, Set.of()), Health.OK);
    }

    private static InetSocketAddress address(byte[] ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
