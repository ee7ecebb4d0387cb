package dev.ssi.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ssi.daemon.balance.LinkRate;
import org.junit.jupiter.api.Test;

class LinkShaperTest {
    @Test
    void burstCoversTenMillisecondsAndAtLeastOneGsoPacket() {
        assertEquals(1_250_000, LinkShaper.burstBytes(LinkRate.parse("1gbit")));
        assertEquals(65_536, LinkShaper.burstBytes(LinkRate.parse("1mbit")));
    }
}
