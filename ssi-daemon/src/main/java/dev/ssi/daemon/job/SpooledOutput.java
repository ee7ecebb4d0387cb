package dev.ssi.daemon.job;

import dev.ssi.checkpoint.os.OsException;
import dev.ssi.checkpoint.os.Spool;
import java.nio.file.Path;

/** The bytes taken in the epoch's spool file, where a successor of this ssid finds them after a crash. */
final class SpooledOutput implements TakenOutput {
    private final Spool spool;

    private SpooledOutput(Spool spool) {
        this.spool = spool;
    }

    /** The spool at {@code path}, which took at least {@code atLeast} bytes already. */
    static SpooledOutput open(Path path, long atLeast) throws OsException {
        return new SpooledOutput(Spool.open(path, atLeast));
    }

    @Override
    public long size() {
        return spool.size();
    }

    @Override
    public int takeAvailable(int pipeFd, int max) throws OsException {
        return spool.takeAvailable(pipeFd, max);
    }

    @Override
    public byte[] read(long offset, int length) throws OsException {
        return spool.read(offset, length);
    }

    @Override
    public void release(long offset) throws OsException {
        spool.release(offset);
    }

    @Override
    public void close() {
        spool.close();
    }
}
