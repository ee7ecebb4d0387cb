package dev.ssi.checkpoint.os;

import com.sun.jna.LastErrorException;

/** One end of an AF_UNIX SOCK_SEQPACKET socketpair: whole datagrams, sized by peeking first. */
public final class SeqPacketSocket implements AutoCloseable {
    private int fd;

    private SeqPacketSocket(int fd) {
        this.fd = fd;
    }

    /** A connected pair, both ends close-on-exec. */
    public static SeqPacketSocket[] pair() throws OsException {
        int[] sv = new int[2];
        try {
            LibC.INSTANCE.socketpair(LibC.AF_UNIX, LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC, 0, sv);
        } catch (LastErrorException e) {
            throw new OsException("socketpair(AF_UNIX, SOCK_SEQPACKET)", e);
        }
        return new SeqPacketSocket[] {new SeqPacketSocket(sv[0]), new SeqPacketSocket(sv[1])};
    }

    public int fd() {
        return fd;
    }

    /** Receives give up with {@link ReceiveTimeoutException} after {@code timeout}; zero waits forever. */
    public void receiveTimeout(java.time.Duration timeout) throws OsException {
        long[] timeval = {timeout.toSeconds(), timeout.toNanosPart() / 1000};
        try {
            LibC.INSTANCE.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, timeval, 16);
        } catch (LastErrorException e) {
            throw new OsException("setsockopt(SO_RCVTIMEO)", e);
        }
    }

    public void send(byte[] datagram) throws OsException {
        while (true) {
            try {
                LibC.INSTANCE.send(fd, datagram, datagram.length, 0);
                return;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != LibC.EINTR) {
                    throw new OsException("send", e);
                }
            }
        }
    }

    /** The next datagram, or null when the peer has closed its end. */
    public byte[] receive() throws OsException {
        long size = recv(new byte[1], LibC.MSG_PEEK | LibC.MSG_TRUNC);
        if (size == 0) {
            return null;
        }
        byte[] datagram = new byte[(int) size];
        long got = recv(datagram, 0);
        return got == size ? datagram : java.util.Arrays.copyOf(datagram, (int) got);
    }

    private long recv(byte[] buf, int flags) throws OsException {
        while (true) {
            try {
                return LibC.INSTANCE.recv(fd, buf, buf.length, flags);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.EAGAIN) {
                    throw new ReceiveTimeoutException();
                }
                if (e.getErrorCode() != LibC.EINTR) {
                    throw new OsException("recv", e);
                }
            }
        }
    }

    /** Nothing arrived within the receive timeout. */
    public static final class ReceiveTimeoutException extends OsException {
        ReceiveTimeoutException() {
            super("recv", LibC.EAGAIN);
        }
    }

    @Override
    public void close() {
        Descriptors.closeQuietly(fd);
        fd = -1;
    }
}
