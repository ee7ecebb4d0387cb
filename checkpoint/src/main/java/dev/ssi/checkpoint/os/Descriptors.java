package dev.ssi.checkpoint.os;

import com.sun.jna.LastErrorException;
import java.nio.file.Path;

/** Raw file descriptors: the few operations on them that Java's own I/O cannot do. */
public final class Descriptors {
    private Descriptors() {}

    /** Opens a directory as a close-on-exec descriptor, as CRIU's images_dir_fd and work_dir_fd want. */
    public static int openDirectory(Path dir) throws OsException {
        try {
            return LibC.INSTANCE.open(dir.toString(), LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new OsException("open " + dir, e);
        }
    }

    /** /dev/null, open for reading and writing, close-on-exec: stdio for a child that must hold nothing of ours. */
    public static int openDevNull() throws OsException {
        try {
            return LibC.INSTANCE.open("/dev/null", LibC.O_RDWR | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new OsException("open /dev/null", e);
        }
    }

    /** A close-on-exec copy of {@code fd} numbered at least {@code lowest}. */
    static int duplicateAtLeast(int fd, int lowest) throws OsException {
        try {
            return LibC.INSTANCE.fcntl(fd, LibC.F_DUPFD_CLOEXEC, lowest);
        } catch (LastErrorException e) {
            throw new OsException("fcntl(F_DUPFD_CLOEXEC) " + fd, e);
        }
    }

    /** Closes {@code fd}, ignoring a negative one; closing is best effort on clean-up paths. */
    public static void closeQuietly(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            LibC.INSTANCE.close(fd);
        } catch (LastErrorException ignored) {
            // EBADF or EINTR: the descriptor is gone either way.
        }
    }

    /** The {@code pipe:[INODE]}-style name of a process's descriptor, as CRIU's inherit_fd keys want. */
    public static String describe(long pid, int fd) throws java.io.IOException {
        return java.nio.file.Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", Integer.toString(fd)))
                .toString();
    }
}
