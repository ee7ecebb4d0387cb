package dev.ssi.scheduler;

import java.util.Objects;
import java.util.Set;

/**
 * What a node offers guests right now, as it gossips it.
 *
 * @param accepting              whether it takes new guest jobs at all now (false while its owner
 *                               works, while it is being reclaimed, or when closed by its owner)
 * @param maxGuestJobs           the most guest jobs it runs at once
 * @param guestCpusWhileOwnerActive the CPU (in CPUs, e.g. 0.1) all guests together get while the
 *                               owner works
 * @param guestMemoryLimitBytes  the most memory one guest job may use there
 * @param acceptedUsers          the users whose jobs it takes; empty means everyone
 */
public record GuestOffer(boolean accepting, int maxGuestJobs, double guestCpusWhileOwnerActive,
                         long guestMemoryLimitBytes, Set<String> acceptedUsers) {
    public GuestOffer {
        if (maxGuestJobs < 0 || guestCpusWhileOwnerActive < 0 || guestMemoryLimitBytes < 0) {
            throw new IllegalArgumentException("negative limit in guest offer");
        }
        acceptedUsers = Set.copyOf(Objects.requireNonNull(acceptedUsers, "acceptedUsers"));
    }

    /** The same terms, taking no guests now (the host is reclaimed). */
    public GuestOffer closed() {
        return new GuestOffer(false, maxGuestJobs, guestCpusWhileOwnerActive, guestMemoryLimitBytes, acceptedUsers);
    }

    public boolean acceptsUser(String user) {
        return acceptedUsers.isEmpty() || acceptedUsers.contains(user);
    }
}
