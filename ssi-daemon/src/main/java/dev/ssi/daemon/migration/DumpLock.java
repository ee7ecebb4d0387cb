package dev.ssi.daemon.migration;

import dev.ssi.checkpoint.CriuException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One CRIU dump at a time on this machine. CRIU's parasite mounts the job's /proc at
 * "proc.crtools" in the working directory of the job's pid 1 — "/" for ssi jobs (see ssi-init) —
 * so two dumps at once on one machine, even by two ssids of a local pool, would collide there.
 * A lock file, so the exclusion spans processes.
 */
final class DumpLock {
    private static final Path FILE = Path.of(System.getProperty("java.io.tmpdir"), "ssi-criu-dump.lock");
    /** The JVM lets one process hold a file lock once: threads of this one queue here first. */
    private static final Object IN_THIS_PROCESS = new Object();

    private DumpLock() {}

    interface Dump {
        void run() throws CriuException, IOException;
    }

    static void holding(Dump dump) throws CriuException, IOException {
        synchronized (IN_THIS_PROCESS) {
            Files.createDirectories(FILE.getParent());
            try (FileChannel channel = FileChannel.open(FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                dump.run();
            }
        }
    }
}
