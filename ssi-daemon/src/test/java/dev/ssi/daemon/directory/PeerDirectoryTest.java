package dev.ssi.daemon.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.transport.NodeId;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PeerDirectoryTest {
    private static InetSocketAddress at(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    @Test
    void fullDirectoryRefusesNewNodesButKnownOnesStillMoveThemselves() {
        PeerDirectory directory = new PeerDirectory(null, 2);
        assertTrue(directory.introduce(NodeId.of("a"), at(1)));
        assertTrue(directory.introduce(NodeId.of("b"), at(2)));

        assertFalse(directory.introduce(NodeId.of("c"), at(3)), "a third node is beyond its capacity");
        assertEquals(Optional.empty(), directory.addressOf(NodeId.of("c")));

        assertTrue(directory.moved(NodeId.of("a"), at(4)), "a known node may move itself");
        assertEquals(Optional.of(at(4)), directory.addressOf(NodeId.of("a")));
    }

    @Test
    void anIntroductionNeverRepointsAKnownNode() {
        PeerDirectory directory = new PeerDirectory(null, 4);
        directory.introduce(NodeId.of("a"), at(1));

        assertFalse(directory.introduce(NodeId.of("a"), at(9)), "only a itself moves a");
        assertEquals(Optional.of(at(1)), directory.addressOf(NodeId.of("a")));
        assertTrue(directory.introduce(NodeId.of("a"), at(1)), "the same address again is no change");
    }

    @Test
    void aForgottenNodeCannotBeReachedUntilItIsIntroducedAgain() {
        PeerDirectory directory = new PeerDirectory(null, 4);
        directory.introduce(NodeId.of("a"), at(1));
        directory.forget(NodeId.of("a"));

        assertEquals(Optional.empty(), directory.addressOf(NodeId.of("a")));
        assertTrue(directory.introduce(NodeId.of("a"), at(2)));
    }

    @Test
    void unknownNodeCannotBeReached() {
        PeerDirectory directory = new PeerDirectory(null, 2);
        assertTrue(directory.connect(NodeId.of("nowhere")).isCompletedExceptionally());
    }
}
