package dev.ssi.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TransferCostTest {
    private final TransferCost cost = new TransferCost(0.5, 200e6, 1e9, 100e6, Map.of());
    private final NodeName h = new NodeName("h");

    @Test
    void theSlowerOfDumpAndLinkSetsThePaceThenRestoreFollows() {
        assertEquals(0.5 + 10 + 1, cost.seconds(1_000_000_000L, h), 1e-9);
    }

    @Test
    void aMeasuredLinkReplacesTheDefault() {
        assertEquals(0.5 + 5 + 1, cost.withMeasuredLink(h, 400e6).seconds(1_000_000_000L, h), 1e-9);
    }
}
