package dev.ssi.daemon.control;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One frame of the control protocol between ssid and its local clients (ssi-run, ssi) over a
 * Unix socket: a big-endian u32 length of what follows, a type byte, and the payload. Strings
 * are a u32 length and UTF-8 bytes. ssi-run speaks the frames it needs (the enum of frame
 * types in native/src/main/c/ssi-run.c).
 */
public record ControlFrame(Type type, byte[] payload) {
    /** Large enough for any argv and environment; a longer frame is malformed. */
    public static final int MAX_LENGTH = 4 << 20;

    public enum Type {
        SUBMIT(1), ATTACH(2), RECEIVED(3), SIGNAL(4),
        STARTED(10), OUTPUT(11), EXIT(12), ERROR(13),
        PS(20), NODES(21), MIGRATE(22), KILL(24), DRAIN(25), HOST(26), FREEZE(28), THAW(29), REPLY(30);

        final int code;

        Type(int code) {
            this.code = code;
        }

        static Type of(int code) throws IOException {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            throw new IOException("unknown control frame type " + code);
        }
    }

    /** The next frame, or null at a clean end of the stream. */
    public static ControlFrame read(DataInputStream in) throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        if (length < 1 || length > MAX_LENGTH) {
            throw new IOException("control frame length " + length + " out of bounds");
        }
        Type type = Type.of(in.readUnsignedByte());
        byte[] payload = in.readNBytes(length - 1);
        if (payload.length != length - 1) {
            throw new IOException("truncated control frame");
        }
        return new ControlFrame(type, payload);
    }

    public void writeTo(DataOutputStream out) throws IOException {
        synchronized (out) {
            out.writeInt(payload.length + 1);
            out.writeByte(type.code);
            out.write(payload);
            out.flush();
        }
    }

    public static ControlFrame of(Type type, Payload payload) {
        return new ControlFrame(type, payload.bytes());
    }

    public Payload.Reader reader() {
        return new Payload.Reader(payload);
    }

    /** Builds a payload of u32s, u64s and strings. */
    public static final class Payload {
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(bytes);

        public Payload u32(int value) {
            try {
                out.writeInt(value);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return this;
        }

        public Payload u64(long value) {
            u32((int) (value >>> 32));
            return u32((int) value);
        }

        public Payload string(String value) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            u32(utf8.length);
            bytes.writeBytes(utf8);
            return this;
        }

        public Payload strings(List<String> values) {
            u32(values.size());
            values.forEach(this::string);
            return this;
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }

        /** Reads a payload back; anything short or oversized is a malformed frame. */
        public static final class Reader {
            private final java.nio.ByteBuffer buf;

            Reader(byte[] payload) {
                buf = java.nio.ByteBuffer.wrap(payload);
            }

            public int u32() throws IOException {
                if (buf.remaining() < 4) {
                    throw new IOException("malformed control frame: short integer");
                }
                return buf.getInt();
            }

            /** An unsigned 64-bit count, as two big-endian u32s; one past 2^63 is malformed. */
            public long u64() throws IOException {
                if (buf.remaining() < 8) {
                    throw new IOException("malformed control frame: short 64-bit integer");
                }
                long value = buf.getLong();
                if (value < 0) {
                    throw new IOException("malformed control frame: 64-bit integer out of range");
                }
                return value;
            }

            public String string() throws IOException {
                int length = u32();
                if (length < 0 || length > buf.remaining()) {
                    throw new IOException("malformed control frame: string of " + length + " bytes");
                }
                byte[] utf8 = new byte[length];
                buf.get(utf8);
                return new String(utf8, StandardCharsets.UTF_8);
            }

            public List<String> strings() throws IOException {
                int count = u32();
                if (count < 0 || count > buf.remaining() / 4) {
                    throw new IOException("malformed control frame: " + count + " strings");
                }
                List<String> values = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    values.add(string());
                }
                return values;
            }
        }
    }
}
