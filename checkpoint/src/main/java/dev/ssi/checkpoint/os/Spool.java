package dev.ssi.checkpoint.os;

import com.sun.jna.LastErrorException;
import java.nio.file.Path;

/**
 * A file that takes what a pipe holds with {@code splice(2)}: the bytes leave the pipe and are
 * in the file in one system call, which a process killed with SIGKILL either made whole or not
 * at all. So the file's size always says how much was taken from the pipe, and what a reader
 * has not yet dealt with is either still in the pipe or in the file, never lost with the reader.
 * Bytes dealt with are given back to the file system with {@link #release} (the size stays).
 */
public final class Spool implements AutoCloseable {
    private static final int O_CREAT = 0100;
    private static final int SEEK_END = 2;
    private static final int FALLOC_FL_KEEP_SIZE = 1;
    private static final int FALLOC_FL_PUNCH_HOLE = 2;
    private static final int EOPNOTSUPP = 95;
    private static final int EIO = 5;
    private static final int SPLICE_F_NONBLOCK = 2;

    private final int fd;
    private long size;
    private long released;

    private Spool(int fd, long size) {
        this.fd = fd;
        this.size = size;
    }

    /**
     * Opens, creating it if need be, the spool at {@code path}, which took at least
     * {@code atLeast} bytes already (they may have been released, or the file lost).
     */
    public static Spool open(Path path, long atLeast) throws OsException {
        try {
            int fd = LibC.INSTANCE.open(path.toString(), LibC.O_RDWR | O_CREAT | LibC.O_CLOEXEC, 0600);
            try {
                return new Spool(fd, Math.max(atLeast, LibC.INSTANCE.lseek(fd, 0, SEEK_END)));
            } catch (LastErrorException e) {
                LibC.INSTANCE.close(fd);
                throw e;
            }
        } catch (LastErrorException e) {
            throw new OsException("open " + path, e);
        }
    }

    /** How many bytes were ever taken into this spool. */
    public long size() {
        return size;
    }

    /**
     * Moves up to {@code max} bytes from the pipe {@code pipeFd} to the end of the spool, waiting
     * for the pipe to have some; returns how many, 0 at end-of-file.
     */
    public int takeFrom(int pipeFd, int max) throws OsException {
        return splice(pipeFd, max, 0);
    }

    /**
     * Like {@link #takeFrom}, without waiting: -1 when the pipe is empty now (its writers still
     * there), 0 at end-of-file.
     */
    public int takeAvailable(int pipeFd, int max) throws OsException {
        return splice(pipeFd, max, SPLICE_F_NONBLOCK);
    }

    private int splice(int pipeFd, int max, int flags) throws OsException {
        long[] offset = {size};
        while (true) {
            try {
                int n = (int) LibC.INSTANCE.splice(pipeFd, null, fd, offset, max, flags);
                size += n;
                return n;
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.EAGAIN && (flags & SPLICE_F_NONBLOCK) != 0) {
                    return -1;
                }
                if (e.getErrorCode() != LibC.EINTR) {
                    throw new OsException("splice", e);
                }
            }
        }
    }

    /** The {@code length} bytes at {@code offset}, which must lie below {@link #size}. */
    public byte[] read(long offset, int length) throws OsException {
        byte[] bytes = new byte[length];
        byte[] part = bytes;
        int done = 0;
        try {
            while (done < length) {
                int n = (int) LibC.INSTANCE.pread(fd, part, length - done, offset + done);
                if (n <= 0) {
                    throw new OsException("pread: the spool ends before its size", EIO);
                }
                if (part != bytes) {
                    System.arraycopy(part, 0, bytes, done, n);
                }
                done += n;
                part = new byte[length - done];
            }
        } catch (LastErrorException e) {
            throw new OsException("pread", e);
        }
        return bytes;
    }

    /** The bytes below {@code offset} are dealt with: the file system may have their space back. */
    public void release(long offset) throws OsException {
        if (offset <= released) {
            return;
        }
        try {
            LibC.INSTANCE.fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, offset);
            released = offset;
        } catch (LastErrorException e) {
            if (e.getErrorCode() != EOPNOTSUPP) {
                throw new OsException("fallocate (punch hole)", e);
            }
            // A file system without hole punching: the spool keeps its bytes until it is deleted.
            released = Long.MAX_VALUE;
        }
    }

    @Override
    public void close() {
        LibC.INSTANCE.close(fd);
    }
}
