package dev.ssi.daemon.job;

import dev.ssi.checkpoint.os.Poll;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The bytes taken held in memory, the rare way, once the spool failed (a full or read-only
 * disk): a crash of this ssid loses them, nothing else does. A pump holds little: what it took
 * and has not handed on is a chunk, or what the pipe held when the job left.
 */
final class HeldOutput implements TakenOutput {
    private final InputStream pipe;
    private byte[] held = new byte[0];
    /** The offset of {@code held[0]}. */
    private long base;

    HeldOutput(InputStream pipe, long from) {
        this.pipe = pipe;
        this.base = from;
    }

    @Override
    public long size() {
        return base + held.length;
    }

    /**
     * A pipe that polls readable gives one read(2) without blocking; a broken one, or one that
     * cannot be polled, ends the output as its end does.
     */
    @Override
    public int takeAvailable(int pipeFd, int max) {
        byte[] buf = new byte[max];
        int n;
        try {
            if (Poll.readable(new int[] {pipeFd}, 0)[0] == 0) {
                return -1;
            }
            n = pipe.read(buf);
        } catch (IOException broken) {
            return 0;
        }
        if (n <= 0) {
            return 0;
        }
        held = Arrays.copyOf(held, held.length + n);
        System.arraycopy(buf, 0, held, held.length - n, n);
        return n;
    }

    @Override
    public byte[] read(long offset, int length) {
        int from = (int) (offset - base);
        return Arrays.copyOfRange(held, from, from + length);
    }

    @Override
    public void release(long offset) {
        held = Arrays.copyOfRange(held, (int) (offset - base), held.length);
        base = offset;
    }

    @Override
    public void close() {
        // Nothing outside memory.
    }
}
