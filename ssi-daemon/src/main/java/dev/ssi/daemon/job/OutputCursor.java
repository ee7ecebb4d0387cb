package dev.ssi.daemon.job;

/** Where an epoch's output goes on: the next chunk's number, and the bytes journaled before it. */
public record OutputCursor(long seq, long offset) {
    public static final OutputCursor START = new OutputCursor(0, 0);
}
