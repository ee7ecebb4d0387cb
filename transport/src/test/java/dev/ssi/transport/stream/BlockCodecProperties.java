package dev.ssi.transport.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.transport.wire.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class BlockCodecProperties {
    @Property(tries = 200)
    void aBlockDecodesToExactlyItsRawBytes(@ForAll @IntRange(min = 1, max = 200_000) int length,
                                           @ForAll @IntRange(min = 0, max = 255) int distinctValues,
                                           @ForAll long seed) {
        byte[] raw = sample(length, distinctValues, seed);
        Frame.StreamBlock block = BlockCodec.encode(7, direct(raw), ByteBufAllocator.DEFAULT);
        try {
            ByteBuffer decoded = BlockCodec.decode(block, ByteBuffer.allocateDirect(length));
            byte[] out = new byte[decoded.remaining()];
            decoded.get(out);
            assertEquals(ByteBuffer.wrap(raw), ByteBuffer.wrap(out));
        } finally {
            block.release();
        }
    }

    /**
     * LZ4 has more than one encoding of the same bytes (a match may copy from any earlier run of
     * equal bytes), so some flips in a compressed block still decode to exactly what was sent:
     * those are harmless. What must never happen is that other bytes are delivered.
     */
    @Property(tries = 200)
    void aFlippedBitIsCaughtOrChangesNothing(@ForAll @IntRange(min = 64, max = 100_000) int length,
                                             @ForAll @IntRange(min = 0, max = 255) int distinctValues,
                                             @ForAll long seed, @ForAll @IntRange(min = 0) int where) {
        byte[] raw = sample(length, distinctValues, seed);
        Frame.StreamBlock block = BlockCodec.encode(7, direct(raw), ByteBufAllocator.DEFAULT);
        try {
            ByteBuf data = block.data();
            int bit = where % (data.readableBytes() * 8);
            int index = data.readerIndex() + bit / 8;
            data.setByte(index, data.getByte(index) ^ (1 << (bit % 8)));
            ByteBuffer decoded;
            try {
                decoded = BlockCodec.decode(block, ByteBuffer.allocateDirect(length));
            } catch (CorruptBlockException caught) {
                return;
            }
            assertTrue(block.compressed(), "a flip in a stored block is always caught");
            assertEquals(ByteBuffer.wrap(raw), decoded);
        } finally {
            block.release();
        }
    }

    private static ByteBuf direct(byte[] raw) {
        return ByteBufAllocator.DEFAULT.directBuffer(raw.length).writeBytes(raw);
    }

    /** Few distinct values compress well, many do not: both paths get exercised. */
    private static byte[] sample(int length, int distinctValues, long seed) {
        Random random = new Random(seed);
        byte[] raw = new byte[length];
        for (int i = 0; i < length; i++) {
            raw[i] = (byte) random.nextInt(distinctValues + 1);
        }
        return raw;
    }
}
