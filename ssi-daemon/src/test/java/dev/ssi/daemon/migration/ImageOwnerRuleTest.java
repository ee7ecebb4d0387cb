package dev.ssi.daemon.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ssi.checkpoint.image.DumpedTree;
import dev.ssi.checkpoint.image.ThreadCredentials;
import dev.ssi.daemon.job.Owner;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Each credential of each thread but pid 1's is the owner's, or the tree is refused naming the task, the field and the values. */
class ImageOwnerRuleTest {
    private static final String SHIM = "/opt/ssi/bin/ssi-init";
    private static final Owner ALICE = new Owner("alice", 1001, 1001, List.of(1001, 100));
    private static final long ALL = (1L << 41) - 1;

    @Test
    void aTreeThatRunsAsItsOwnerUnderARootInitIsLetOn() {
        assertEquals(Optional.empty(), refusal(tree(alices(2, 2), alices(2, 9), alices(5, 5)), ALICE));
        assertEquals(Optional.empty(), refusal(tree(alices(2, 2).withGroups(List.of(100))), ALICE),
                "fewer groups than the owner's take nothing from anyone");
    }

    @Test
    void eachUidOtherThanTheOwnersIsRefused() {
        assertRefused("task 7 runs as uid 0, the job's owner is alice (1001)", t -> t.withUids(0, 1001, 1001, 1001));
        assertRefused("task 7 runs as euid 0, the job's owner is alice (1001)", t -> t.withUids(1001, 0, 1001, 1001));
        assertRefused("task 7 runs as suid 0, the job's owner is alice (1001)", t -> t.withUids(1001, 1001, 0, 1001));
        assertRefused("task 7 runs as fsuid 1002, the job's owner is alice (1001)",
                t -> t.withUids(1001, 1001, 1001, 1002));
        assertRefused("task 7 runs as uid 4294967295, the job's owner is alice (1001)",
                t -> t.withUids(-1, 1001, 1001, 1001));
    }

    @Test
    void eachGidOtherThanTheOwnersPrimaryGroupIsRefused() {
        assertRefused("task 7 runs as gid 0, the job's owner is alice (1001), of group 1001",
                t -> t.withGids(0, 1001, 1001, 1001));
        assertRefused("task 7 runs as egid 100, the job's owner is alice (1001), of group 1001",
                t -> t.withGids(1001, 100, 1001, 1001));
        assertRefused("task 7 runs as sgid 0", t -> t.withGids(1001, 1001, 0, 1001));
        assertRefused("task 7 runs as fsgid 0", t -> t.withGids(1001, 1001, 1001, 0));
    }

    @Test
    void aGroupTheOwnerIsNotInIsRefused() {
        assertRefused("task 7 has group 27, the job's owner is alice (1001), who is not in it",
                t -> t.withGroups(List.of(1001, 100, 27)));
    }

    @Test
    void anyCapabilityOfANonRootOwnersTaskIsRefused() {
        assertRefused("task 7 has inheritable capabilities 0x2000, the job's owner is alice (1001), who is not root",
                t -> t.withCapabilities(1L << 13, 0, 0, 0));
        assertRefused("task 7 has permitted capabilities 0x1ffffffffff", t -> t.withCapabilities(0, ALL, 0, 0));
        assertRefused("task 7 has effective capabilities 0x200000", t -> t.withCapabilities(0, 0, 1L << 21, 0));
        assertRefused("task 7 has ambient capabilities 0x1", t -> t.withCapabilities(0, 0, 0, 1));
    }

    @Test
    void aThreadIsNamedWithItsTask() {
        assertEquals(Optional.of("task 7 (thread 9) runs as euid 0, the job's owner is alice (1001)"),
                refusal(tree(alices(7, 7), alices(7, 9).withUids(1001, 0, 1001, 1001)), ALICE));
    }

    @Test
    void pidOneMustBeThisNodesSsiInitRunningAsRoot() {
        assertEquals(Optional.of("the job's pid 1 runs as uid 1001, not as root as ssi-init does"),
                refusal(new DumpedTree(1, List.of(alices(1, 1).build()), SHIM, false), ALICE));
        assertEquals(Optional.of("the job's pid 1 runs as fsuid 1001, not as root as ssi-init does"),
                refusal(new DumpedTree(1, List.of(root(1, 1).withUids(0, 0, 0, 1001).build()), SHIM, false), Owner.ROOT));
        assertEquals(Optional.of("the job's pid 1 runs /bin/sh, not this node's ssi-init, " + SHIM),
                refusal(new DumpedTree(1, List.of(root(1, 1).build(), alices(2, 2).build()), "/bin/sh", false), ALICE));
        assertEquals(Optional.of("the images' root is task 2, not pid 1 of a pid namespace of its own"),
                refusal(new DumpedTree(2, List.of(alices(2, 2).build()), SHIM, false), ALICE));
    }

    @Test
    void aUserNamespaceIsRefusedWhoeverTheOwner() {
        for (Owner owner : List.of(ALICE, Owner.ROOT)) {
            assertEquals(Optional.of("the images carry a user namespace, whose maps would give their ids another meaning"),
                    refusal(new DumpedTree(1, List.of(root(1, 1).build()), SHIM, true), owner));
        }
    }

    @Test
    void aRootOwnersTasksMayRunAsAnyoneButPidOneIsStillSsiInit() {
        assertEquals(Optional.empty(), refusal(tree(root(2, 2), alices(3, 3), root(4, 4).withGroups(List.of(27))),
                Owner.ROOT));
        assertEquals(Optional.of("task 2 runs as uid 0, the job's owner is alice (1001)"),
                refusal(tree(root(2, 2)), ALICE), "a user's offer carrying root's tasks");
        assertEquals(Optional.of("the job's pid 1 runs /bin/sh, not this node's ssi-init, " + SHIM),
                refusal(new DumpedTree(1, List.of(root(1, 1).build()), "/bin/sh", false), Owner.ROOT));
    }

    private static void assertRefused(String reason, UnaryOperator<Creds> change) {
        Optional<String> refusal = refusal(tree(alices(2, 2), change.apply(alices(7, 7))), ALICE);
        assertEquals(true, refusal.isPresent() && refusal.get().startsWith(reason), refusal.toString());
    }

    private static Optional<String> refusal(DumpedTree tree, Owner owner) {
        return ImageOwnerRule.refusal(tree, owner, SHIM);
    }

    /** pid 1 (root, running ssi-init) and then {@code tasks}. */
    private static DumpedTree tree(Creds... tasks) {
        List<ThreadCredentials> threads = new ArrayList<>(List.of(root(1, 1).build()));
        for (Creds t : tasks) {
            threads.add(t.build());
        }
        return new DumpedTree(1, threads, SHIM, false);
    }

    private static Creds alices(int pid, int tid) {
        return new Creds(pid, tid, new int[] {1001, 1001, 1001, 1001}, new int[] {1001, 1001, 1001, 1001},
                List.of(1001, 100), new long[4]);
    }

    private static Creds root(int pid, int tid) {
        return new Creds(pid, tid, new int[4], new int[4], List.of(), new long[] {0, ALL, ALL, 0});
    }

    /** A thread's credentials, changed one field at a time. */
    private record Creds(int pid, int tid, int[] uids, int[] gids, List<Integer> groups, long[] caps) {
        Creds withUids(int... ids) {
            return new Creds(pid, tid, ids, gids, groups, caps);
        }

        Creds withGids(int... ids) {
            return new Creds(pid, tid, uids, ids, groups, caps);
        }

        Creds withGroups(List<Integer> list) {
            return new Creds(pid, tid, uids, gids, list, caps);
        }

        Creds withCapabilities(long... sets) {
            return new Creds(pid, tid, uids, gids, groups, sets);
        }

        ThreadCredentials build() {
            return new ThreadCredentials(pid, tid, uids[0], uids[1], uids[2], uids[3], gids[0], gids[1], gids[2], gids[3],
                    groups, caps[0], caps[1], caps[2], caps[3]);
        }
    }
}
