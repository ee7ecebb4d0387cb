package dev.ssi.daemon.home;

import dev.ssi.daemon.config.Settings;
import java.util.Properties;

/**
 * {@code output.spool-max}: how much of one job's output its home keeps on disk for an ssi-run
 * that has not taken it yet (default 64M). Beyond it home takes no more of that job's output,
 * and the job, its pipe full, waits in its next write until the reader catches up.
 */
public record SpoolLimit(long bytes) {
    public static final String KEY = "output.spool-max";
    public static final SpoolLimit DEFAULT = new SpoolLimit(64L << 20);
    /**
     * ssi-run says what it has every 256 KiB, and a chunk of output is at most a transport frame
     * (1 MiB): a smaller spool could wait for a word that never comes, or never fit a chunk.
     */
    static final long LEAST = 2L << 20;

    public SpoolLimit {
        if (bytes < LEAST) {
            throw Settings.bad(KEY, Long.toString(bytes), "at least 2M");
        }
    }

    /** {@value #KEY} from {@code properties}, or the default. */
    public static SpoolLimit read(Properties properties) {
        Settings s = new Settings(properties);
        long bytes = s.bytes(KEY, "64M");
        if (bytes < LEAST) {
            throw Settings.bad(KEY, s.text(KEY, ""), "a size of at least 2M");
        }
        return new SpoolLimit(bytes);
    }
}
