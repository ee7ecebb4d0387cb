package dev.ssi.transport.stream;

import dev.ssi.transport.wire.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

/**
 * One block of a file on the wire: LZ4-compressed when that saves space, stored otherwise,
 * with the XXHash64 of the raw bytes so the receiver knows it got exactly them.
 */
final class BlockCodec {
    private static final long SEED = 0x5353_4931L;
    private static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.fastestInstance().safeDecompressor();
    private static final XXHash64 HASH = XXHashFactory.fastestInstance().hash64();

    private BlockCodec() {
    }

    /** Takes over {@code raw} (a direct buffer); the returned block owns its data. */
    static Frame.StreamBlock encode(long streamId, ByteBuf raw, ByteBufAllocator alloc) {
        return encode(streamId, raw, alloc, true);
    }

    static Frame.StreamBlock encode(long streamId, ByteBuf raw, ByteBufAllocator alloc, boolean tryCompression) {
        int rawLength = raw.readableBytes();
        ByteBuffer source = raw.nioBuffer();
        long checksum = HASH.hash(source, 0, rawLength, SEED);
        if (!tryCompression) {
            return new Frame.StreamBlock(streamId, rawLength, false, checksum, raw);
        }
        int bound = COMPRESSOR.maxCompressedLength(rawLength);
        ByteBuf compressed = alloc.directBuffer(bound);
        int length = COMPRESSOR.compress(source, 0, rawLength, compressed.nioBuffer(0, bound), 0, bound);
        // Stored blocks cost the receiver nothing to decode; keep compression only where it pays.
        if (length < rawLength - rawLength / 32) {
            raw.release();
            return new Frame.StreamBlock(streamId, rawLength, true, checksum, compressed.writerIndex(length));
        }
        compressed.release();
        return new Frame.StreamBlock(streamId, rawLength, false, checksum, raw);
    }

    /**
     * The raw bytes of a block, in {@code scratch} (at least the block's raw length) or in the
     * block's own data; throws {@link CorruptBlockException} when they are not what was sent.
     */
    static ByteBuffer decode(Frame.StreamBlock block, ByteBuffer scratch) {
        ByteBuf data = block.data();
        ByteBuffer raw;
        if (block.compressed()) {
            int length;
            try {
                length = DECOMPRESSOR.decompress(data.nioBuffer(), 0, data.readableBytes(), scratch, 0, block.rawLength());
            } catch (LZ4Exception e) {
                throw new CorruptBlockException("compressed block does not decompress: " + e.getMessage());
            }
            if (length != block.rawLength()) {
                throw new CorruptBlockException("block decompresses to " + length + " bytes, "
                        + block.rawLength() + " announced");
            }
            raw = scratch.duplicate().position(0).limit(length);
        } else {
            if (data.readableBytes() != block.rawLength()) {
                throw new CorruptBlockException("stored block holds " + data.readableBytes() + " bytes, "
                        + block.rawLength() + " announced");
            }
            raw = data.nioBuffer();
        }
        if (HASH.hash(raw, raw.position(), raw.remaining(), SEED) != block.checksum()) {
            throw new CorruptBlockException("block checksum mismatch");
        }
        return raw;
    }
}
