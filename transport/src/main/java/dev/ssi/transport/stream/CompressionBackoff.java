package dev.ssi.transport.stream;

/**
 * Skips LZ4 on data that just proved incompressible (already compressed or encrypted pages),
 * trying again after a number of blocks that doubles while compression keeps not paying.
 */
final class CompressionBackoff {
    private static final int MAX_SKIP = 16;

    private int skip;
    private int remaining;

    boolean shouldTry() {
        if (remaining > 0) {
            remaining--;
            return false;
        }
        return true;
    }

    void record(boolean paid) {
        if (paid) {
            skip = 0;
        } else {
            skip = Math.min(MAX_SKIP, Math.max(1, skip * 2));
            remaining = skip;
        }
    }
}
