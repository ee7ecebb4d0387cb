package dev.ssi.checkpoint.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A connected AF_UNIX SOCK_SEQPACKET socket that carries descriptors with its datagrams
 * (SCM_RIGHTS): how a process hands open pipes to another one and takes them back.
 */
public final class DescriptorSocket implements AutoCloseable {
    /** The most descriptors one datagram carries. */
    public static final int MAX_DESCRIPTORS = 8;
    private static final int MAX_DATAGRAM = 4096;
    private static final int SUN_PATH_OFFSET = 2;
    private static final int SOCKADDR_UN_SIZE = 110;
    // x86-64 layouts: msghdr, iovec and cmsghdr (whose data follows its 16-byte header).
    private static final int MSGHDR_SIZE = 56;
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int MSG_CONTROL = 32;
    private static final int MSG_CONTROLLEN = 40;
    private static final int MSG_FLAGS = 48;
    private static final int CMSG_HEADER = 16;
    private static final int CONTROL_SIZE = CMSG_HEADER + 8 * ((MAX_DESCRIPTORS * 4 + 7) / 8);

    private int fd;

    private DescriptorSocket(int fd) {
        this.fd = fd;
    }

    /** One datagram: its bytes and the descriptors that came with it, now open here. */
    public record Datagram(byte[] data, int[] descriptors) {
        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /** Connects to the socket bound at {@code path}. */
    public static DescriptorSocket connect(Path path) throws OsException {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length >= SOCKADDR_UN_SIZE - SUN_PATH_OFFSET) {
            throw new OsException("connect " + path, 36); // ENAMETOOLONG
        }
        int fd;
        try {
            fd = LibC.INSTANCE.socket(LibC.AF_UNIX, LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new OsException("socket(AF_UNIX, SOCK_SEQPACKET)", e);
        }
        Memory address = new Memory(SOCKADDR_UN_SIZE);
        address.clear();
        address.setShort(0, (short) LibC.AF_UNIX);
        address.write(SUN_PATH_OFFSET, name, 0, name.length);
        try {
            LibC.INSTANCE.connect(fd, address, SOCKADDR_UN_SIZE);
            return new DescriptorSocket(fd);
        } catch (LastErrorException e) {
            Descriptors.closeQuietly(fd);
            throw new OsException("connect " + path, e);
        }
    }

    /** Sends one datagram with copies of {@code descriptors} (at most {@link #MAX_DESCRIPTORS}). */
    public void send(String text, int... descriptors) throws OsException {
        if (descriptors.length > MAX_DESCRIPTORS) {
            throw new IllegalArgumentException("at most " + MAX_DESCRIPTORS + " descriptors per datagram");
        }
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        Memory body = new Memory(Math.max(1, data.length));
        body.write(0, data, 0, data.length);
        Memory control = descriptors.length == 0 ? null : new Memory(CONTROL_SIZE);
        if (control != null) {
            control.clear();
            control.setLong(0, CMSG_HEADER + 4L * descriptors.length);
            control.setInt(8, LibC.SOL_SOCKET);
            control.setInt(12, LibC.SCM_RIGHTS);
            control.write(CMSG_HEADER, descriptors, 0, descriptors.length);
        }
        MessageHeader message = new MessageHeader(body, data.length, control,
                control == null ? 0 : CMSG_HEADER + 8L * ((4L * descriptors.length + 7) / 8));
        while (true) {
            try {
                LibC.INSTANCE.sendmsg(fd, message.header, LibC.MSG_NOSIGNAL);
                return;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != LibC.EINTR) {
                    throw new OsException("sendmsg", e);
                }
            }
        }
    }

    /** The next datagram, or null when the peer has closed its end. */
    public Datagram receive() throws OsException {
        Memory body = new Memory(MAX_DATAGRAM);
        Memory control = new Memory(CONTROL_SIZE);
        control.clear();
        MessageHeader message = new MessageHeader(body, MAX_DATAGRAM, control, CONTROL_SIZE);
        long got;
        while (true) {
            try {
                got = LibC.INSTANCE.recvmsg(fd, message.header, LibC.MSG_CMSG_CLOEXEC);
                break;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != LibC.EINTR) {
                    throw new OsException("recvmsg", e);
                }
            }
        }
        int[] descriptors = descriptorsIn(control, message.header.getLong(MSG_CONTROLLEN));
        if ((message.header.getInt(MSG_FLAGS) & (LibC.MSG_TRUNC | LibC.MSG_CTRUNC)) != 0) {
            Arrays.stream(descriptors).forEach(Descriptors::closeQuietly);
            throw new OsException("recvmsg (more than " + MAX_DATAGRAM + " bytes or " + MAX_DESCRIPTORS
                    + " descriptors)", 90); // EMSGSIZE
        }
        if (got == 0 && descriptors.length == 0) {
            return null;
        }
        return new Datagram(body.getByteArray(0, (int) got), descriptors);
    }

    private static int[] descriptorsIn(Pointer control, long controlLength) {
        if (controlLength < CMSG_HEADER || control.getInt(8) != LibC.SOL_SOCKET || control.getInt(12) != LibC.SCM_RIGHTS) {
            return new int[0];
        }
        int count = (int) ((control.getLong(0) - CMSG_HEADER) / 4);
        return control.getIntArray(CMSG_HEADER, count);
    }

    /** A msghdr with its one iovec; holding it keeps the native memory it points to alive. */
    private static final class MessageHeader {
        final Memory header = new Memory(MSGHDR_SIZE);
        final Memory iov = new Memory(16);
        final Memory body;
        final Memory control;

        MessageHeader(Memory body, long bodyLength, Memory control, long controlLength) {
            this.body = body;
            this.control = control;
            iov.setPointer(0, body);
            iov.setLong(8, bodyLength);
            header.clear();
            header.setPointer(MSG_IOV, iov);
            header.setLong(MSG_IOVLEN, 1);
            header.setPointer(MSG_CONTROL, control == null ? Pointer.NULL : control);
            header.setLong(MSG_CONTROLLEN, controlLength);
        }
    }

    @Override
    public void close() {
        Descriptors.closeQuietly(fd);
        fd = -1;
    }
}
