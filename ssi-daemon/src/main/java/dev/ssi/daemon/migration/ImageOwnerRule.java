package dev.ssi.daemon.migration;

import dev.ssi.checkpoint.image.DumpedTree;
import dev.ssi.checkpoint.image.ThreadCredentials;
import dev.ssi.daemon.job.Owner;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a dumped tree runs as its owner, and so may be restored as the owner's job. Every
 * thread of every task but the job's pid 1 runs with the owner's uid in all four of its uids,
 * the owner's primary group in all four of its gids, no group the owner is not in, and — unless
 * the owner is root, whose tasks may run as anyone — no capability at all. pid 1 is ssi-init,
 * which stays root by design (CRIU's parasite mounts proc in its working directory): it must run
 * as root, and run this node's ssi-init. Images that carry a user namespace are refused whoever
 * the owner is: its maps would give every id in them another meaning.
 */
final class ImageOwnerRule {
    private ImageOwnerRule() {}

    /** Why {@code tree} may not run as {@code owner}'s job on a node whose ssi-init is {@code shim}; empty when it may. */
    static Optional<String> refusal(DumpedTree tree, Owner owner, String shim) {
        if (tree.root() != 1) {
            return Optional.of("the images' root is task " + tree.root() + ", not pid 1 of a pid namespace of its own");
        }
        if (tree.userNamespace()) {
            return Optional.of("the images carry a user namespace, whose maps would give their ids another meaning");
        }
        if (!tree.rootExecutable().equals(shim)) {
            return Optional.of("the job's pid 1 runs " + tree.rootExecutable() + ", not this node's ssi-init, " + shim);
        }
        for (ThreadCredentials thread : tree.threads()) {
            Optional<String> refusal = thread.pid() == tree.root() ? asInit(thread) : asOwner(thread, owner);
            if (refusal.isPresent()) {
                return refusal;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> asInit(ThreadCredentials init) {
        for (Map.Entry<String, Integer> uid : init.uids().entrySet()) {
            if (uid.getValue() != 0) {
                return Optional.of("the job's pid 1 runs as " + uid.getKey() + " " + id(uid.getValue())
                        + ", not as root as ssi-init does");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> asOwner(ThreadCredentials thread, Owner owner) {
        if (owner.isRoot()) {
            return Optional.empty();
        }
        String whose = ", the job's owner is " + owner.name() + " (" + owner.uid() + ")";
        for (Map.Entry<String, Integer> uid : thread.uids().entrySet()) {
            if (uid.getValue() != owner.uid()) {
                return Optional.of(thread.who() + " runs as " + uid.getKey() + " " + id(uid.getValue()) + whose);
            }
        }
        for (Map.Entry<String, Integer> gid : thread.gids().entrySet()) {
            if (gid.getValue() != owner.gid()) {
                return Optional.of(thread.who() + " runs as " + gid.getKey() + " " + id(gid.getValue()) + whose
                        + ", of group " + owner.gid());
            }
        }
        for (int group : thread.groups()) {
            if (!owner.groups().contains(group)) {
                return Optional.of(thread.who() + " has group " + id(group) + whose + ", who is not in it");
            }
        }
        for (Map.Entry<String, Long> set : thread.capabilities().entrySet()) {
            if (set.getValue() != 0) {
                return Optional.of(thread.who() + " has " + set.getKey() + " capabilities 0x"
                        + Long.toHexString(set.getValue()) + whose + ", who is not root");
            }
        }
        return Optional.empty();
    }

    private static String id(int id) {
        return Integer.toUnsignedString(id);
    }
}
