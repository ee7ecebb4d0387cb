package dev.ssi.daemon.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LinkRateTest {
    @Test
    void parsesTcStyleRates() {
        assertEquals(1_000_000_000L, LinkRate.parse("1gbit").bitsPerSecond());
        assertEquals(100_000_000L, LinkRate.parse("100Mbit").bitsPerSecond());
        assertEquals(2_500_000_000L, LinkRate.parse("2.5gbit").bitsPerSecond());
        assertEquals(64_000L, LinkRate.parse(" 64kbit ").bitsPerSecond());
    }

    @Test
    void printsTheShortestExactForm() {
        assertEquals("1gbit", LinkRate.parse("1000mbit").toString());
        assertEquals("1500kbit", LinkRate.parse("1.5mbit").toString());
        assertEquals("1000000000bit", LinkRate.parse("1gbit").tcRate());
    }

    @Test
    void refusesWhatIsNotARate() {
        for (String bad : new String[] {"fast", "1gigabit", "1gbps", "-1gbit", "gbit", "", "1.5bit", "1bit"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinkRate.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'") || e.getMessage().contains("at least"), e.getMessage());
        }
    }
}
