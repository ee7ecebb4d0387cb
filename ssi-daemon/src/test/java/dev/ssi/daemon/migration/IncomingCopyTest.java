package dev.ssi.daemon.migration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.daemon.peer.PeerMessages.Offer;
import dev.ssi.transport.NodeId;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class IncomingCopyTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long SECOND = 1_000_000_000L;

    private final IncomingCopy copy = new IncomingCopy(Offer.newBuilder().setJob("ws/1").setHome("ws").setEpoch(1).build(),
            NodeId.of("h1"), Path.of("/nonexistent"));

    @Test
    void aCopyWhoseImagesNeverBeginExpiresOnceAfterTheTimeout() {
        assertFalse(copy.expires(copy.since + 9 * SECOND, TIMEOUT));
        assertTrue(copy.expires(copy.since + 11 * SECOND, TIMEOUT));
        assertFalse(copy.expires(copy.since + 12 * SECOND, TIMEOUT), "only once: one discard is enough");
    }

    @Test
    void aStreamInProgressNeverExpiresAndItsEndStartsTheClockAgain() {
        copy.streamBegan(copy.since + 5 * SECOND);
        assertFalse(copy.expires(copy.since + 600 * SECOND, TIMEOUT), "the transport ends a stalled stream itself");
        copy.streamEnded(copy.since + 600 * SECOND);
        assertFalse(copy.expires(copy.since + 609 * SECOND, TIMEOUT));
        assertTrue(copy.expires(copy.since + 611 * SECOND, TIMEOUT), "whole images never asked to be restored");
    }

    @Test
    void aCopyItsSourceMayHaveBeenToldIsRestoredNeverExpires() {
        copy.streamBegan(copy.since);
        copy.streamEnded(copy.since + SECOND);
        copy.ready();
        assertFalse(copy.expires(copy.since + 3600 * SECOND, TIMEOUT), "only its source's word ends it now");
    }
}
