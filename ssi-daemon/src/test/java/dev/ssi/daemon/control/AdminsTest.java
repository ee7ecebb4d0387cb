package dev.ssi.daemon.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.daemon.job.Owner;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdminsTest {
    private static final Owner ALICE = new Owner("alice", 1000, 1000, List.of(1000, 27));

    @Test
    void withoutAnAdminGroupOnlyRootIsAdmin() {
        assertTrue(Admins.ROOT_ONLY.include(Owner.ROOT));
        assertFalse(Admins.ROOT_ONLY.include(ALICE));
        assertTrue(Admins.rootAnd("").equals(Admins.ROOT_ONLY));
    }

    @Test
    void membersOfTheAdminGroupAreAdminsWhetherItIsTheirPrimaryGroupOrASupplementaryOne() {
        Admins admins = Admins.rootAnd("root");
        assertTrue(admins.include(new Owner("bob", 1001, 1001, List.of(1001, 0))));
        assertTrue(admins.include(new Owner("carol", 1002, 0, List.of())));
        assertFalse(admins.include(ALICE));
    }

    @Test
    void anUnknownAdminGroupIsAnErrorThatNamesIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Admins.rootAnd("no-such-group-ssi"));
        assertTrue(e.getMessage().contains("control.admin-group") && e.getMessage().contains("no-such-group-ssi"));
    }
}
