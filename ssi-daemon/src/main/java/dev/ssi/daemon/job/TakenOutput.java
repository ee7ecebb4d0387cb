package dev.ssi.daemon.job;

import dev.ssi.checkpoint.os.OsException;

/**
 * What an {@link OutputPump} took from a job's pipe and has not handed on yet, addressed by the
 * offset of each byte in the epoch's output: in the epoch's spool file ({@link SpooledOutput}),
 * or, where that failed, in memory ({@link HeldOutput}).
 */
interface TakenOutput extends AutoCloseable {
    /** The offset just past the last byte taken. */
    long size();

    /** Takes up to {@code max} bytes the pipe has now: how many, -1 when it has none now, 0 at its end. */
    int takeAvailable(int pipeFd, int max) throws OsException;

    /** The {@code length} bytes from {@code offset}, below {@link #size}. */
    byte[] read(long offset, int length) throws OsException;

    /** The bytes below {@code offset} are handed on: they need no keeping. */
    void release(long offset) throws OsException;

    @Override
    void close();
}
