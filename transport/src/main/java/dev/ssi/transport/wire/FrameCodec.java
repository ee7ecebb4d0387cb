package dev.ssi.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * The byte layout of every frame: {@code u32 length | u8 format version | u8 type | body},
 * where length counts what follows it. Strings are {@code u16 length | UTF-8}, byte arrays
 * {@code u32 length | bytes}; integers are big-endian.
 */
public final class FrameCodec {
    public static final int FORMAT_VERSION = 1;
    public static final int LENGTH_FIELD_SIZE = 4;
    /** Version and type bytes. */
    public static final int HEADER_SIZE = 2;

    private static final int HELLO = 1;
    private static final int CLOSE = 2;
    private static final int REQUEST = 3;
    private static final int RESPONSE = 4;
    private static final int ERROR = 5;
    private static final int MESSAGE = 6;
    private static final int STREAM_OFFER = 10;
    private static final int STREAM_ACCEPT = 11;
    private static final int STREAM_FILE = 12;
    private static final int STREAM_BLOCK = 13;
    private static final int STREAM_END = 14;
    private static final int STREAM_CREDIT = 15;
    private static final int STREAM_CANCEL = 16;
    private static final int STREAM_REJECT = 17;
    private static final int STREAM_DONE = 18;
    private static final int GROWING_OFFER = 19;
    private static final int GROWING_PART = 20;
    private static final int GROWING_END = 21;
    private static final int MAX_CAPABILITIES = 64;

    private FrameCodec() {
    }

    /** The whole frame, length prefix included. Takes over one reference of a block's data. */
    public static ByteBuf encode(Frame frame, ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(64);
        out.writeInt(0);
        out.writeByte(FORMAT_VERSION);
        if (frame instanceof Frame.Hello f) {
            out.writeByte(HELLO).writeShort(f.protocolVersion());
            writeString(out, f.nodeId());
            out.writeShort(f.capabilities().size());
            f.capabilities().stream().sorted().forEach(c -> writeString(out, c));
        } else if (frame instanceof Frame.Close f) {
            out.writeByte(CLOSE);
            writeString(out, f.reason());
        } else if (frame instanceof Frame.Request f) {
            out.writeByte(REQUEST).writeLong(f.callId());
            writeString(out, f.type());
            writeBytes(out, f.payload());
        } else if (frame instanceof Frame.Response f) {
            out.writeByte(RESPONSE).writeLong(f.callId());
            writeBytes(out, f.payload());
        } else if (frame instanceof Frame.ErrorReply f) {
            out.writeByte(ERROR).writeLong(f.callId()).writeByte(f.code().wire());
            writeString(out, f.message());
        } else if (frame instanceof Frame.Message f) {
            out.writeByte(MESSAGE);
            writeString(out, f.type());
            writeBytes(out, f.payload());
        } else if (frame instanceof Frame.StreamOffer f) {
            out.writeByte(STREAM_OFFER).writeLong(f.streamId());
            writeString(out, f.label());
            out.writeInt(f.fileCount()).writeLong(f.totalBytes());
        } else if (frame instanceof Frame.StreamAccept f) {
            out.writeByte(STREAM_ACCEPT).writeLong(f.streamId()).writeInt(f.credit()).writeInt(f.maxBlock());
        } else if (frame instanceof Frame.StreamFile f) {
            out.writeByte(STREAM_FILE).writeLong(f.streamId());
            writeString(out, f.name());
            out.writeLong(f.size());
        } else if (frame instanceof Frame.StreamBlock f) {
            out.writeByte(STREAM_BLOCK).writeLong(f.streamId()).writeInt(f.rawLength())
                    .writeBoolean(f.compressed()).writeLong(f.checksum());
            out.setInt(0, out.readableBytes() - LENGTH_FIELD_SIZE + f.data().readableBytes());
            return alloc.compositeBuffer(2).addComponents(true, out, f.data());
        } else if (frame instanceof Frame.StreamEnd f) {
            out.writeByte(STREAM_END).writeLong(f.streamId());
        } else if (frame instanceof Frame.StreamCredit f) {
            out.writeByte(STREAM_CREDIT).writeLong(f.streamId()).writeInt(f.bytes());
        } else if (frame instanceof Frame.StreamCancel f) {
            out.writeByte(STREAM_CANCEL).writeLong(f.streamId());
            writeString(out, f.reason());
        } else if (frame instanceof Frame.StreamReject f) {
            out.writeByte(STREAM_REJECT).writeLong(f.streamId());
            writeString(out, f.reason());
        } else if (frame instanceof Frame.StreamDone f) {
            out.writeByte(STREAM_DONE).writeLong(f.streamId());
        } else if (frame instanceof Frame.GrowingOffer f) {
            out.writeByte(GROWING_OFFER).writeLong(f.streamId());
            writeString(out, f.label());
        } else if (frame instanceof Frame.GrowingPart f) {
            out.writeByte(GROWING_PART).writeLong(f.streamId());
            writeString(out, f.name());
            out.writeLong(f.offset());
        } else if (frame instanceof Frame.GrowingEnd f) {
            out.writeByte(GROWING_END).writeLong(f.streamId()).writeInt(f.fileCount()).writeLong(f.totalBytes());
        }
        out.setInt(0, out.readableBytes() - LENGTH_FIELD_SIZE);
        return out;
    }

    /**
     * Decodes one frame from its bytes after the length prefix. A block's data is a retained
     * slice of {@code in}; the caller still owns {@code in}.
     */
    public static Frame decode(ByteBuf in) {
        int version = readUnsignedByte(in, "format version");
        if (version != FORMAT_VERSION) {
            throw new FrameVersionException(
                    "frame format version " + version + ", this node reads version " + FORMAT_VERSION);
        }
        int type = readUnsignedByte(in, "frame type");
        Frame frame = switch (type) {
            case HELLO -> {
                int protocol = readUnsignedShort(in);
                String nodeId = readString(in);
                int count = readUnsignedShort(in);
                if (count > MAX_CAPABILITIES) {
                    throw new MalformedFrameException("hello lists " + count + " capabilities, at most "
                            + MAX_CAPABILITIES + " allowed");
                }
                Set<String> capabilities = new HashSet<>();
                for (int i = 0; i < count; i++) {
                    capabilities.add(readString(in));
                }
                yield new Frame.Hello(protocol, nodeId, capabilities);
            }
            case CLOSE -> new Frame.Close(readString(in));
            case REQUEST -> new Frame.Request(readLong(in), readString(in), readBytes(in));
            case RESPONSE -> new Frame.Response(readLong(in), readBytes(in));
            case ERROR -> new Frame.ErrorReply(readLong(in), ErrorCode.fromWire(readUnsignedByte(in, "error code")),
                    readString(in));
            case MESSAGE -> new Frame.Message(readString(in), readBytes(in));
            case STREAM_OFFER -> new Frame.StreamOffer(readLong(in), readString(in), readInt(in), readLong(in));
            case STREAM_ACCEPT -> new Frame.StreamAccept(readLong(in), readInt(in), readInt(in));
            case STREAM_FILE -> new Frame.StreamFile(readLong(in), readString(in), readLong(in));
            case STREAM_BLOCK -> {
                long streamId = readLong(in);
                int rawLength = readInt(in);
                boolean compressed = readUnsignedByte(in, "compression flag") != 0;
                long checksum = readLong(in);
                yield new Frame.StreamBlock(streamId, rawLength, compressed, checksum, in.readRetainedSlice(in.readableBytes()));
            }
            case STREAM_END -> new Frame.StreamEnd(readLong(in));
            case STREAM_CREDIT -> new Frame.StreamCredit(readLong(in), readInt(in));
            case STREAM_CANCEL -> new Frame.StreamCancel(readLong(in), readString(in));
            case STREAM_REJECT -> new Frame.StreamReject(readLong(in), readString(in));
            case STREAM_DONE -> new Frame.StreamDone(readLong(in));
            case GROWING_OFFER -> new Frame.GrowingOffer(readLong(in), readString(in));
            case GROWING_PART -> new Frame.GrowingPart(readLong(in), readString(in), readLong(in));
            case GROWING_END -> new Frame.GrowingEnd(readLong(in), readInt(in), readLong(in));
            default -> throw new MalformedFrameException("unknown frame type " + type);
        };
        if (in.isReadable()) {
            int extra = in.readableBytes();
            ReferenceCountUtil.release(frame);
            throw new MalformedFrameException(extra + " unexpected bytes at the end of a " + frameName(frame));
        }
        return frame;
    }

    private static String frameName(Frame frame) {
        return frame.getClass().getSimpleName();
    }

    private static void need(ByteBuf in, int bytes, String what) {
        if (in.readableBytes() < bytes) {
            throw new MalformedFrameException("frame ends inside its " + what);
        }
    }

    private static int readUnsignedByte(ByteBuf in, String what) {
        need(in, 1, what);
        return in.readUnsignedByte();
    }

    private static int readUnsignedShort(ByteBuf in) {
        need(in, 2, "fields");
        return in.readUnsignedShort();
    }

    private static int readInt(ByteBuf in) {
        need(in, 4, "fields");
        return in.readInt();
    }

    private static long readLong(ByteBuf in) {
        need(in, 8, "fields");
        return in.readLong();
    }

    private static String readString(ByteBuf in) {
        int length = readUnsignedShort(in);
        need(in, length, "string");
        return in.readCharSequence(length, StandardCharsets.UTF_8).toString();
    }

    private static byte[] readBytes(ByteBuf in) {
        int length = readInt(in);
        if (length < 0) {
            throw new MalformedFrameException("negative payload length " + length);
        }
        need(in, length, "payload");
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        return bytes;
    }

    private static void writeString(ByteBuf out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xFFFF) {
            throw new IllegalArgumentException("string of " + bytes.length + " bytes is too long for a frame");
        }
        out.writeShort(bytes.length).writeBytes(bytes);
    }

    private static void writeBytes(ByteBuf out, byte[] bytes) {
        out.writeInt(bytes.length).writeBytes(bytes);
    }
}
