package dev.ssi.checkpoint.os;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * An anonymous pipe whose ends are plain descriptors, close-on-exec, so they can be handed to
 * a spawned process or to CRIU by number and read or written here through streams.
 */
public final class Pipe implements AutoCloseable {
    private int readFd;
    private int writeFd;

    private Pipe(int readFd, int writeFd) {
        this.readFd = readFd;
        this.writeFd = writeFd;
    }

    public static Pipe open() throws OsException {
        int[] fds = new int[2];
        try {
            LibC.INSTANCE.pipe2(fds, LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new OsException("pipe2", e);
        }
        return new Pipe(fds[0], fds[1]);
    }

    /** A pipe of which only the read end, {@code fd}, is ours (e.g. taken back from a process that kept it). */
    public static Pipe ofReadEnd(int fd) {
        return new Pipe(fd, -1);
    }

    public int readFd() {
        return readFd;
    }

    public int writeFd() {
        return writeFd;
    }

    /** Closes the read end here, e.g. once a child process holds its own copy. */
    public void closeReadEnd() {
        Descriptors.closeQuietly(readFd);
        readFd = -1;
    }

    /** Closes the write end here, so the reader sees end-of-file once the other writers are gone. */
    public void closeWriteEnd() {
        Descriptors.closeQuietly(writeFd);
        writeFd = -1;
    }

    /** A stream over the read end; closing it closes that end. */
    public InputStream inputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                byte[] buf = off == 0 ? b : new byte[len];
                long n = retryingRead(buf, len);
                if (n > 0 && buf != b) {
                    System.arraycopy(buf, 0, b, off, (int) n);
                }
                return n == 0 ? -1 : (int) n;
            }

            @Override
            public void close() {
                closeReadEnd();
            }
        };
    }

    /** A stream over the write end; closing it closes that end. */
    public OutputStream outputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                byte[] rest = off == 0 && len == b.length ? b : java.util.Arrays.copyOfRange(b, off, off + len);
                while (rest.length > 0) {
                    long n = retryingWrite(rest);
                    rest = java.util.Arrays.copyOfRange(rest, (int) n, rest.length);
                }
            }

            @Override
            public void close() {
                closeWriteEnd();
            }
        };
    }

    private long retryingRead(byte[] buf, int len) throws OsException {
        while (true) {
            try {
                return LibC.INSTANCE.read(readFd, buf, len);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != LibC.EINTR) {
                    throw new OsException("read from pipe", e);
                }
            }
        }
    }

    private long retryingWrite(byte[] buf) throws OsException {
        while (true) {
            try {
                return LibC.INSTANCE.write(writeFd, buf, buf.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != LibC.EINTR) {
                    throw new OsException("write to pipe", e);
                }
            }
        }
    }

    @Override
    public void close() {
        closeReadEnd();
        closeWriteEnd();
    }
}
