package dev.ssi.checkpoint.os;

import com.sun.jna.Pointer;
import java.util.OptionalInt;

/** Group names to ids, as the system's group database (NSS) has them. */
public final class Groups {
    /** Where {@code gr_gid} lies in glibc's {@code struct group} on 64-bit Linux: after two pointers. */
    private static final int GID_OFFSET = 16;

    private Groups() {}

    /** The id of group {@code name}, or empty when there is none. */
    public static synchronized OptionalInt idOf(String name) {
        Pointer group = LibC.INSTANCE.getgrnam(name);
        return group == null ? OptionalInt.empty() : OptionalInt.of(group.getInt(GID_OFFSET));
    }
}
