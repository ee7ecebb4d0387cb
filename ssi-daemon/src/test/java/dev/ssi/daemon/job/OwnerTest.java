package dev.ssi.daemon.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OwnerTest {
    private static final Owner ALICE = new Owner("alice", 1000, 100, List.of(100, 27));
    private static final Owner BOB = new Owner("bob", 1001, 100, List.of());

    @Test
    void aUsersJobStartsWithTheirUserGroupAndGroups() {
        assertEquals(List.of("--user", "1000", "100", "100,27"), ALICE.initArguments());
        assertEquals(List.of("--user", "1001", "100", "-"), BOB.initArguments());
    }

    @Test
    void rootsJobsKeepSsidsCredentials() {
        assertEquals(List.of(), Owner.ROOT.initArguments());
    }

    @Test
    void aUserActsOnTheirOwnJobsOnlyAndRootOnAll() {
        assertTrue(ALICE.mayActOn(ALICE));
        assertFalse(ALICE.mayActOn(BOB));
        assertFalse(BOB.mayActOn(Owner.ROOT));
        assertTrue(Owner.ROOT.mayActOn(ALICE));
    }
}
