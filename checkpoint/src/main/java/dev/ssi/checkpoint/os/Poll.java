package dev.ssi.checkpoint.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

/**
 * {@code poll(2)} over any descriptors (pipes, pidfds), which Java's selectors do not take, and
 * {@code pidfd_open(2)}, a descriptor that becomes readable when its process ends: together they
 * let one thread wait for many pipes and children at once.
 */
public final class Poll {
    public static final short POLLIN = 0x1;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;
    public static final short POLLNVAL = 0x20;
    private static final int POLLFD_SIZE = 8;

    private Poll() {}

    /**
     * Waits until one of {@code fds} is readable (or hung up, or in error), at most
     * {@code timeoutMillis} (-1: no limit); returns each one's {@code revents}, all 0 when the
     * time ran out or a signal came.
     */
    public static short[] readable(int[] fds, int timeoutMillis) throws OsException {
        short[] revents = new short[fds.length];
        if (fds.length == 0) {
            return revents;
        }
        try (Memory pollfds = new Memory((long) POLLFD_SIZE * fds.length)) {
            for (int i = 0; i < fds.length; i++) {
                pollfds.setInt((long) i * POLLFD_SIZE, fds[i]);
                pollfds.setShort((long) i * POLLFD_SIZE + 4, POLLIN);
                pollfds.setShort((long) i * POLLFD_SIZE + 6, (short) 0);
            }
            try {
                LibC.INSTANCE.poll(pollfds, fds.length, timeoutMillis);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.EINTR) {
                    return revents;
                }
                throw new OsException("poll", e);
            }
            for (int i = 0; i < fds.length; i++) {
                revents[i] = pollfds.getShort((long) i * POLLFD_SIZE + 6);
            }
        }
        return revents;
    }

    /** A descriptor for process {@code pid} that polls readable once it has ended (it may still need reaping). */
    public static int pidfd(int pid) throws OsException {
        try {
            return (int) LibC.INSTANCE.syscall(LibC.SYS_PIDFD_OPEN, (long) pid, 0L);
        } catch (LastErrorException e) {
            throw new OsException("pidfd_open " + pid, e);
        }
    }
}
