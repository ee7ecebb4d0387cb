package dev.ssi.checkpoint.os;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** User names to their ids and groups, as the system's user database (NSS) has them. */
public final class Users {
    /** Where {@code pw_uid} and {@code pw_gid} lie in glibc's {@code struct passwd} on 64-bit Linux: after two pointers. */
    private static final int UID_OFFSET = 16;
    private static final int GID_OFFSET = 20;
    /** The kernel's NGROUPS_MAX. */
    private static final int MOST_GROUPS = 65536;

    private Users() {}

    /** A user: their uid, primary group, and every group they are in (the primary one too). */
    public record Account(String name, int uid, int gid, List<Integer> groups) {
        public Account {
            groups = List.copyOf(groups);
        }
    }

    /** The account named {@code name}, or empty when there is none. */
    public static synchronized Optional<Account> named(String name) {
        Pointer user = LibC.INSTANCE.getpwnam(name);
        if (user == null) {
            return Optional.empty();
        }
        int uid = user.getInt(UID_OFFSET);
        int gid = user.getInt(GID_OFFSET);
        IntByReference count = new IntByReference(64);
        int[] groups = new int[count.getValue()];
        while (LibC.INSTANCE.getgrouplist(name, gid, groups, count) < 0) {
            if (count.getValue() <= groups.length || count.getValue() > MOST_GROUPS) {
                return Optional.empty();
            }
            groups = new int[count.getValue()];
        }
        return Optional.of(new Account(name, uid, gid, Arrays.stream(groups, 0, count.getValue()).boxed().toList()));
    }
}
