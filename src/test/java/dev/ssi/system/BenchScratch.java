package dev.ssi.system;

import dev.ssi.daemon.journal.Directories;
import dev.ssi.daemon.balance.LinkRate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the pool benchmarks share: a scratch directory on tmpfs for their pool and images, a
 * shutdown hook that takes the pool down when a run is interrupted, both undone on close; the
 * shaped link they compare with the raw veth; and the median they report.
 */
final class BenchScratch implements AutoCloseable {
    /** The link the benchmarks shape their pools' veths to, next to the raw ones. */
    static final LinkRate LAN = LinkRate.parse("1gbit");

    private final Path dir;
    private Thread onInterrupt;

    private BenchScratch(Path dir) {
        this.dir = dir;
    }

    /** A fresh directory on /dev/shm named {@code prefix}…, removed on close. */
    static BenchScratch make(String prefix) throws IOException {
        return new BenchScratch(Files.createTempDirectory(Path.of("/dev/shm"), prefix));
    }

    Path dir() {
        return dir;
    }

    /** Runs {@code takeDown} if the JVM is stopped before close (Ctrl-C in the middle of a run). */
    void onInterrupt(Runnable takeDown) {
        onInterrupt = new Thread(takeDown, "pool-down");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
    }

    @Override
    public void close() {
        Directories.deleteTree(dir);
        if (onInterrupt != null) {
            Runtime.getRuntime().removeShutdownHook(onInterrupt);
        }
    }

    static double median(List<Double> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }
}
