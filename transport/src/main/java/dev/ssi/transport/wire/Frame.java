package dev.ssi.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import java.util.Arrays;
import java.util.Set;

/**
 * Everything that crosses a peer connection. On the wire each frame is
 * {@code u32 length | u8 format version | u8 type | body}; {@link FrameCodec} owns the layout.
 */
public sealed interface Frame {

    /** First frame each side sends once TLS is up. */
    record Hello(int protocolVersion, String nodeId, Set<String> capabilities) implements Frame {
        public Hello {
            capabilities = Set.copyOf(capabilities);
        }
    }

    /** Sent just before a side closes the connection, so the other knows why. */
    record Close(String reason) implements Frame {
    }

    record Request(long callId, String type, byte[] payload) implements Frame {
        @Override
        public boolean equals(Object o) {
            return o instanceof Request r && r.callId == callId && r.type.equals(type)
                    && Arrays.equals(r.payload, payload);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(callId) * 31 + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Request[" + callId + ", " + type + ", " + payload.length + " bytes]";
        }
    }

    record Response(long callId, byte[] payload) implements Frame {
        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && r.callId == callId && Arrays.equals(r.payload, payload);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(callId) * 31 + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Response[" + callId + ", " + payload.length + " bytes]";
        }
    }

    /** The failed answer to a {@link Request}. */
    record ErrorReply(long callId, ErrorCode code, String message) implements Frame {
    }

    /** A one-way message. */
    record Message(String type, byte[] payload) implements Frame {
        @Override
        public boolean equals(Object o) {
            return o instanceof Message m && m.type.equals(type) && Arrays.equals(m.payload, payload);
        }

        @Override
        public int hashCode() {
            return type.hashCode() * 31 + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Message[" + type + ", " + payload.length + " bytes]";
        }
    }

    /** Frames of a bulk stream; the stream id is chosen by the sending side. */
    sealed interface StreamFrame extends Frame {
        long streamId();
    }

    /** Sender to receiver: a directory is on offer. */
    record StreamOffer(long streamId, String label, int fileCount, long totalBytes) implements StreamFrame {
    }

    /** Receiver to sender: go ahead, with this many bytes of credit, in blocks of at most maxBlock. */
    record StreamAccept(long streamId, int credit, int maxBlock) implements StreamFrame {
    }

    /** Sender to receiver: the blocks that follow belong to this file. */
    record StreamFile(long streamId, String name, long size) implements StreamFrame {
    }

    /**
     * Sender to receiver: the next piece of the current file, LZ4-compressed or stored as is,
     * with the XXHash64 of its raw bytes.
     */
    record StreamBlock(long streamId, int rawLength, boolean compressed, long checksum, ByteBuf data)
            implements StreamFrame, ReferenceCounted {
        @Override
        public int refCnt() {
            return data.refCnt();
        }

        @Override
        public StreamBlock retain() {
            data.retain();
            return this;
        }

        @Override
        public StreamBlock retain(int increment) {
            data.retain(increment);
            return this;
        }

        @Override
        public StreamBlock touch() {
            data.touch();
            return this;
        }

        @Override
        public StreamBlock touch(Object hint) {
            data.touch(hint);
            return this;
        }

        @Override
        public boolean release() {
            return data.release();
        }

        @Override
        public boolean release(int decrement) {
            return data.release(decrement);
        }
    }

    /** Sender to receiver: every file has been sent. */
    record StreamEnd(long streamId) implements StreamFrame {
    }

    /** Receiver to sender: this many more bytes may be in flight. */
    record StreamCredit(long streamId, int bytes) implements StreamFrame {
    }

    /** Sender to receiver: the sender gives up on the stream. */
    record StreamCancel(long streamId, String reason) implements StreamFrame {
    }

    /** Receiver to sender: the receiver declines or gives up on the stream. */
    record StreamReject(long streamId, String reason) implements StreamFrame {
    }

    /** Receiver to sender: every file is complete on the receiver's disk. */
    record StreamDone(long streamId) implements StreamFrame {
    }

    /**
     * Sender to receiver: a directory whose files are still being written is on offer; they
     * come in parts as they grow, and {@link GrowingEnd} says what they came to.
     */
    record GrowingOffer(long streamId, String label) implements StreamFrame {
    }

    /**
     * Sender to receiver: the blocks that follow continue file {@code name} from {@code offset},
     * the bytes of it sent so far (0 for a file not sent before).
     */
    record GrowingPart(long streamId, String name, long offset) implements StreamFrame {
    }

    /** Sender to receiver: the writer has finished, and the directory holds these files and bytes. */
    record GrowingEnd(long streamId, int fileCount, long totalBytes) implements StreamFrame {
    }
}
