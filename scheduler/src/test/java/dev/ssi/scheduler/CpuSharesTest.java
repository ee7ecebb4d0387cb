package dev.ssi.scheduler;

import static dev.ssi.scheduler.Fixtures.host;
import static dev.ssi.scheduler.Fixtures.workstation;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CpuSharesTest {
    @Test
    void jobsShareCpusAndRunAtTheNodesSpeed() {
        assertEquals(1.5, CpuShares.of(host("h", 4, 1.5, 2)).perGuestJob(), 1e-9);
        assertEquals(0.75, CpuShares.of(host("h", 4, 1.5, 8)).perGuestJob(), 1e-9);
    }

    @Test
    void whileTheOwnerWorksAllGuestsTogetherGetTheOfferedTenthOfACpu() {
        LoadVector busy = new LoadVector(Fixtures.node("h"), 4, 1.0, 0, 2, 0, true, 0, 0, Fixtures.open(10), Health.OK);
        assertEquals(0.05, CpuShares.of(busy).perGuestJob(), 1e-9);
    }

    @Test
    void homeJobsComeBeforeGuests() {
        LoadVector loaded = new LoadVector(Fixtures.node("w"), 2, 1.0, 2, 1, 0, false, 0, 0, Fixtures.open(10), Health.OK);
        CpuShares shares = CpuShares.of(loaded);
        assertEquals(1.0, shares.perHomeJob(), 1e-9);
        assertEquals(0.0, shares.perGuestJob(), 1e-9);
    }

    @Test
    void aQuotaOfAFractionOfACoreIsSharedLikeWholeCores() {
        LoadVector quota = new LoadVector(Fixtures.node("h"), 0.4, 1.0, 0, 2, 0, false, 0, 0, Fixtures.open(10), Health.OK);
        assertEquals(0.2, CpuShares.of(quota).perGuestJob(), 1e-9);
        LoadVector idle = new LoadVector(Fixtures.node("h"), 0.4, 1.0, 0, 0, 0, false, 0, 0, Fixtures.open(10), Health.OK);
        assertEquals(0.4, CpuShares.forNewJob(idle, false, 0), 1e-9);
    }

    @Test
    void aNewJobIsCountedBeforeItsSpeedIsEstimated() {
        assertEquals(0.5, CpuShares.forNewJob(workstation("w", 2, 3), true, 0), 1e-9);
        assertEquals(1.0, CpuShares.forNewJob(host("h", 2, 1.0, 1), false, 0), 1e-9);
    }
}
