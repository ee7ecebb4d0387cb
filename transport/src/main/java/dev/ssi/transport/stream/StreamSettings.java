package dev.ssi.transport.stream;

import net.jpountz.lz4.LZ4Factory;

/**
 * Sizes of bulk streams. {@code window} bounds the raw bytes a sender has read but the
 * receiver has not yet written; the limits bound what a receiver accepts.
 */
public record StreamSettings(int blockSize, int window, int maxFiles, long maxFileSize, long maxTotalBytes) {
    public static final StreamSettings DEFAULTS =
            new StreamSettings(1 << 19, 16 << 20, 100_000, 64L << 30, 256L << 30);

    public StreamSettings {
        if (blockSize < 1024 || window < blockSize) {
            throw new IllegalArgumentException("need blockSize >= 1024 and window >= blockSize");
        }
    }

    /** The largest frame a block of this size can need, compressed or not. */
    public int maxBlockFrameLength() {
        return LZ4Factory.fastestInstance().fastCompressor().maxCompressedLength(blockSize) + 64;
    }
}
