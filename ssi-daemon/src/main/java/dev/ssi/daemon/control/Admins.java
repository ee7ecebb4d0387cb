package dev.ssi.daemon.control;

import dev.ssi.checkpoint.os.Groups;
import dev.ssi.daemon.job.Owner;
import java.util.OptionalInt;

/**
 * Who may run this node's admin commands (host terms, drain, pool and guest commands): root,
 * and the members of the group {@code control.admin-group} names, if any.
 */
public record Admins(String groupName, OptionalInt gid) {
    /** Root alone. */
    public static final Admins ROOT_ONLY = new Admins("", OptionalInt.empty());

    /** Root and group {@code name}; an unknown group is an error, so that a typo admits nobody silently. */
    public static Admins rootAnd(String name) {
        if (name.isEmpty()) {
            return ROOT_ONLY;
        }
        OptionalInt gid = Groups.idOf(name);
        if (gid.isEmpty()) {
            throw new IllegalArgumentException("control.admin-group: no group named " + name);
        }
        return new Admins(name, gid);
    }

    public boolean include(Owner user) {
        return user.isRoot() || gid.isPresent() && (user.gid() == gid.getAsInt() || user.groups().contains(gid.getAsInt()));
    }

    /** Who may, for a refusal's message. */
    String who() {
        return groupName.isEmpty() ? "root" : "root or group " + groupName;
    }
}
