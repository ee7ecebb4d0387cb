package dev.ssi.daemon.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.daemon.confine.GuestsConfig;
import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The host owner's terms for guests: their keys, their gentle defaults, changes, and who is refused why. */
class GuestsConfigTest {
    @Test
    void theDefaultsAreGentle() {
        GuestsConfig terms = GuestsConfig.defaults();
        assertEquals(4, terms.maxGuests());
        assertEquals(19, terms.nice());
        assertEquals(1, terms.cpuWeight());
        assertEquals(OptionalDouble.empty(), terms.cpuMax());
        assertEquals(OptionalLong.of(4L << 30), terms.memoryMax());
        assertEquals(Set.of(), terms.users());
        assertTrue(terms.accepting());
    }

    @Test
    void everyKeyIsRead() throws IOException {
        GuestsConfig terms = read("""
                guests.max=2
                guests.nice=10
                guests.cpu-weight=50
                guests.cpu-max=0.2
                guests.memory-max=512M
                guests.users=alice, bob
                guests.accepting=false
                guests.offer-timeout=90s
                """);
        assertEquals(new GuestsConfig(2, 10, 50, OptionalDouble.of(0.2), OptionalLong.of(512L << 20),
                Set.of("alice", "bob"), false, Duration.ofSeconds(90)), terms);
        assertEquals("90s", terms.settings().get("guests.offer-timeout"));
        assertEquals(Duration.ofMinutes(5), GuestsConfig.defaults().offerTimeout());
        assertEquals(OptionalLong.empty(), read("guests.memory-max=none").memoryMax());
        assertEquals(OptionalLong.of(2L << 20), read("guests.memory-max=2048k").memoryMax());
    }

    @Test
    void aBadValueIsNamedByItsKey() {
        for (String bad : new String[] {"guests.nice=20", "guests.nice=-1", "guests.cpu-weight=0", "guests.cpu-max=fast",
                "guests.cpu-max=0", "guests.memory-max=4T", "guests.memory-max=1K", "guests.users=al ice,b@d",
                "guests.accepting=yes", "guests.max=-1", "guests.offer-timeout=0s", "guests.offer-timeout=soon"}) {
            String key = bad.substring(0, bad.indexOf('='));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(bad), bad);
            assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
        }
    }

    @Test
    void aChangeKeepsWhatItDoesNotSay() {
        GuestsConfig before = GuestsConfig.defaults().with(Map.of("guests.cpu-max", "0.2"));
        GuestsConfig after = before.with(Map.of("guests.cpu-max", "0.5", "guests.nice", "10"));
        assertEquals(OptionalDouble.of(0.5), after.cpuMax());
        assertEquals(10, after.nice());
        assertEquals(before.memoryMax(), after.memoryMax());
        assertEquals(after, GuestsConfig.defaults().with(after.settings()), "the settings say the whole terms");
        assertEquals(OptionalDouble.empty(), after.with(Map.of("guests.cpu-max", "none")).cpuMax());
    }

    @Test
    void anUnknownKeyIsNamedAndChangesNothing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GuestsConfig.defaults().with(Map.of("guests.nice", "5", "guests.color", "blue")));
        assertTrue(e.getMessage().contains("'guests.color'"), e.getMessage());
    }

    @Test
    void aRefusalSaysWhy() {
        GuestsConfig terms = GuestsConfig.defaults().with(Map.of("guests.users", "nobody", "guests.max", "1"));
        assertEquals(Optional.empty(), terms.refusal("h2", "nobody", 0));
        assertTrue(terms.refusal("h2", "root", 0).orElseThrow().contains("user root"));
        assertTrue(terms.refusal("h2", "nobody", 1).orElseThrow().contains("guests.max=1"));
        assertTrue(terms.with(Map.of("guests.accepting", "false")).refusal("h2", "nobody", 0).orElseThrow()
                .contains("guests.accepting=false"));
        assertFalse(GuestsConfig.defaults().refusal("h2", "anyone", 3).isPresent(), "empty guests.users: everyone");
    }

    private static GuestsConfig read(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return GuestsConfig.read(p);
    }
}
