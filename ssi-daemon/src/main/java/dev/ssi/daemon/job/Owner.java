package dev.ssi.daemon.job;

import dev.ssi.checkpoint.os.Users;
import java.util.List;
import java.util.Optional;

/**
 * Whose job it is: the user, primary group and supplementary groups of the process that ran
 * ssi-run, as the kernel gave them on the control socket. The job runs with these credentials.
 */
public record Owner(String name, int uid, int gid, List<Integer> groups) {
    /** ssid's own user: its jobs keep ssid's credentials. */
    public static final Owner ROOT = new Owner("root", 0, 0, List.of(0));

    public Owner {
        groups = List.copyOf(groups);
    }

    /** The owner an account of this node's user database makes: its user, primary group and every group it is in. */
    public static Optional<Owner> account(String name) {
        return Users.named(name).map(a -> new Owner(a.name(), a.uid(), a.gid(), a.groups()));
    }

    public boolean isRoot() {
        return uid == 0;
    }

    /** Whether this owner may act on {@code job}'s owner's job: its own, or any as root. */
    public boolean mayActOn(Owner job) {
        return isRoot() || uid == job.uid;
    }

    /** ssi-init's arguments that make the job this owner's, or none for root. */
    List<String> initArguments() {
        if (isRoot()) {
            return List.of();
        }
        String list = groups.isEmpty() ? "-" : String.join(",", groups.stream().map(String::valueOf).toList());
        return List.of("--user", Integer.toString(uid), Integer.toString(gid), list);
    }
}
