package dev.ssi.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PoolNamesTest {
    /** Linux refuses interface names longer than IFNAMSIZ - 1. */
    private static final int MAX_INTERFACE_NAME = 15;

    @Test
    void namesFollowFromTheNumber() {
        PoolNames names = new PoolNames(3);
        assertEquals("p3", names.id());
        assertEquals("ssi-p3-h1", names.namespace(1));
        assertEquals("ssip3h1", names.veth(1));
        assertEquals("ssip3br", names.bridge());
        assertEquals("ssi-p3", names.cgroup());
        assertEquals("10.77.3.1", names.workstationAddress());
        assertEquals("10.77.3.2", names.hostAddress(1));
        assertEquals(names, PoolNames.ofId("p3"));
    }

    @Test
    void interfaceNamesFitLinuxsLimitForTheLargestPool() {
        PoolNames largest = new PoolNames(PoolNames.MAX_NUMBER);
        assertTrue(largest.veth(PoolNames.MAX_HOSTS).length() <= MAX_INTERFACE_NAME, largest.veth(PoolNames.MAX_HOSTS));
        assertTrue(largest.bridge().length() <= MAX_INTERFACE_NAME);
        assertEquals("10.77.254.101", largest.hostAddress(PoolNames.MAX_HOSTS));
    }

    @Test
    void aPoolOwnsOnlyItsOwnNames() {
        PoolNames p1 = new PoolNames(1);
        assertTrue(p1.ownsLink("ssip1h7"));
        assertTrue(p1.ownsLink("ssip1br"));
        assertFalse(p1.ownsLink("ssip12h1"));
        assertFalse(p1.ownsLink("ssip12br"));
        assertTrue(p1.ownsNamespace("ssi-p1-h2"));
        assertFalse(p1.ownsNamespace("ssi-p12-h2"));
        assertFalse(p1.ownsNamespace("ssi-t-abc-a"));
    }

    @Test
    void refusesWhatIsNotAPoolId() {
        for (String bad : new String[] {"p0", "p255", "3", "p03", "px", "p3 ", ""}) {
            assertThrows(PoolException.class, () -> PoolNames.ofId(bad), bad);
        }
    }
}
