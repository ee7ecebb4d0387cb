package dev.ssi.checkpoint.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import java.util.ArrayList;
import java.util.List;

/**
 * Who is at the other end of a connected Unix socket, as the kernel recorded it when the peer
 * connected: its uid, primary gid (SO_PEERCRED) and supplementary groups (SO_PEERGROUPS).
 */
public record PeerCredentials(int uid, int gid, List<Integer> groups) {
    private static final int MOST_GROUPS = 65536;

    public PeerCredentials {
        groups = List.copyOf(groups);
    }

    /** The credentials of the peer of socket {@code fd}. */
    public static PeerCredentials of(int fd) throws OsException {
        Memory ucred = new Memory(12);
        peerCred(fd, ucred);
        return new PeerCredentials(ucred.getInt(4), ucred.getInt(8), groups(fd));
    }

    private static List<Integer> groups(int fd) throws OsException {
        for (int room = 64; room <= MOST_GROUPS; room *= 16) {
            Memory list = new Memory((long) room * Integer.BYTES);
            IntByReference length = new IntByReference(room * Integer.BYTES);
            try {
                LibC.INSTANCE.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_PEERGROUPS, list, length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.ERANGE) {
                    continue;
                }
                throw new OsException("getsockopt(SO_PEERGROUPS)", e);
            }
            List<Integer> groups = new ArrayList<>();
            for (int i = 0; i < length.getValue() / Integer.BYTES; i++) {
                groups.add(list.getInt((long) i * Integer.BYTES));
            }
            return groups;
        }
        throw new OsException("getsockopt(SO_PEERGROUPS)", LibC.ERANGE);
    }

    private static void peerCred(int fd, Memory ucred) throws OsException {
        try {
            LibC.INSTANCE.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_PEERCRED, ucred, new IntByReference(12));
        } catch (LastErrorException e) {
            throw new OsException("getsockopt(SO_PEERCRED)", e);
        }
    }
}
