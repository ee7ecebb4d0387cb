package dev.ssi.transport.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class FrameCodecProperties {
    private static final int MAX = 1 << 20;

    @Property(tries = 400)
    void everyFrameTypeSurvivesTheWire(@ForAll("frames") Frame frame) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX), new FrameEncoder(MAX));
        assertTrue(channel.writeOutbound(io.netty.util.ReferenceCountUtil.retain(frame)));
        ByteBuf wire = Unpooled.buffer();
        for (ByteBuf part; (part = channel.readOutbound()) != null; part.release()) {
            wire.writeBytes(part);
        }
        // Deliver the bytes in two pieces, split anywhere, as TCP may.
        int split = wire.readableBytes() / 3;
        channel.writeInbound(wire.readRetainedSlice(split));
        channel.writeInbound(wire.readRetainedSlice(wire.readableBytes()));
        wire.release();
        Frame decoded = channel.readInbound();
        assertEquals(frame, decoded);
        io.netty.util.ReferenceCountUtil.release(decoded);
        io.netty.util.ReferenceCountUtil.release(frame);
        assertFalse(channel.finish());
    }

    @Property(tries = 300)
    void randomBytesNeverDecodeToAnythingButAProtocolError(@ForAll @Size(min = 1, max = 300) byte[] noise) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX));
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(noise));
            Object frame;
            while ((frame = channel.readInbound()) != null) {
                assertInstanceOf(Frame.class, frame);
                io.netty.util.ReferenceCountUtil.release(frame);
            }
            channel.finishAndReleaseAll();
        } catch (DecoderException expected) {
            // A clear protocol error is the point.
        }
    }

    @Property(tries = 200)
    void everyTruncationOfAFrameIsReportedWhenTheConnectionEnds(@ForAll("frames") Frame frame,
                                                                 @ForAll @IntRange(min = 1, max = 1000) int cut) {
        ByteBuf bytes = FrameCodec.encode(frame instanceof Frame.StreamBlock b ? b.retain() : frame,
                ByteBufAllocator.DEFAULT);
        io.netty.util.ReferenceCountUtil.release(frame);
        int keep = Math.max(1, bytes.readableBytes() - cut);
        if (keep >= bytes.readableBytes()) {
            bytes.release();
            return;
        }
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX));
        channel.writeInbound(bytes.readRetainedSlice(keep));
        bytes.release();
        assertTrue(channel.inboundMessages().isEmpty());
        assertThrows(TruncatedFrameException.class, channel::finish);
    }

    @Test
    void anOversizeLengthFailsBeforeTheBodyArrives() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX));
        ByteBuf header = Unpooled.buffer().writeInt(MAX + 1).writeByte(FrameCodec.FORMAT_VERSION).writeByte(6);
        TooLongFrameException e = assertThrows(TooLongFrameException.class, () -> channel.writeInbound(header));
        assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
    }

    @Test
    void aFrameOfAnotherFormatVersionIsAMismatch() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX));
        ByteBuf frame = Unpooled.buffer().writeInt(3).writeByte(9).writeByte(2).writeByte(0);
        FrameVersionException e = assertThrows(FrameVersionException.class, () -> channel.writeInbound(frame));
        assertTrue(e.getMessage().contains("version 9"), e.getMessage());
    }

    @Test
    void theEncoderRefusesFramesThePeerWouldReject() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder(1000));
        assertThrows(Exception.class, () -> channel.writeOutbound(new Frame.Message("big", new byte[2000])));
    }

    @Provide
    Arbitrary<Frame> frames() {
        Arbitrary<Long> ids = Arbitraries.longs();
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(40);
        Arbitrary<byte[]> payloads = Arbitraries.bytes().array(byte[].class).ofMaxSize(2000);
        Arbitrary<Integer> ints = Arbitraries.integers();
        return Arbitraries.oneOf(
                Combinators.combine(Arbitraries.integers().between(0, 65535), text,
                        text.set().ofMaxSize(5)).as((v, n, c) -> (Frame) new Frame.Hello(v, n, Set.copyOf(c))),
                text.map(Frame.Close::new),
                Combinators.combine(ids, text, payloads).as(Frame.Request::new),
                Combinators.combine(ids, payloads).as(Frame.Response::new),
                Combinators.combine(ids, Arbitraries.of(ErrorCode.class), text).as(Frame.ErrorReply::new),
                Combinators.combine(text, payloads).as(Frame.Message::new),
                Combinators.combine(ids, text, ints, Arbitraries.longs()).as(Frame.StreamOffer::new),
                Combinators.combine(ids, ints, ints).as(Frame.StreamAccept::new),
                Combinators.combine(ids, text, Arbitraries.longs()).as(Frame.StreamFile::new),
                Combinators.combine(ids, ints, Arbitraries.of(true, false), Arbitraries.longs(), payloads)
                        .as((id, raw, c, sum, data) -> new Frame.StreamBlock(id, raw, c, sum, Unpooled.wrappedBuffer(data))),
                ids.map(Frame.StreamEnd::new),
                Combinators.combine(ids, ints).as(Frame.StreamCredit::new),
                Combinators.combine(ids, text).as(Frame.StreamCancel::new),
                Combinators.combine(ids, text).as(Frame.StreamReject::new),
                ids.map(Frame.StreamDone::new),
                Combinators.combine(ids, text).as(Frame.GrowingOffer::new),
                Combinators.combine(ids, text, Arbitraries.longs()).as(Frame.GrowingPart::new),
                Combinators.combine(ids, ints, Arbitraries.longs()).as(Frame.GrowingEnd::new));
    }
}
