package dev.ssi.system;

import dev.ssi.daemon.journal.Directories;
import dev.ssi.pool.PoolSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh local pool for each test, in a fresh directory that the test may use too; after the
 * test, pass or fail, the pool is taken down and the directory deleted. Needs root.
 */
final class SystemPoolExtension implements BeforeEachCallback, AfterEachCallback {
    private final int hosts;
    private Path work;
    private SystemPool pool;

    /** A pool of {@code hosts} hosts of one core each, on unshaped links. */
    SystemPoolExtension(int hosts) {
        this.hosts = hosts;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "local pools need root");
        work = Files.createTempDirectory("ssi-system-");
        pool = SystemPool.up(work.resolve("pool"), new PoolSpec(hosts, 1, Optional.empty()));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (work != null && context.getExecutionException().isPresent()) {
            keepLogs(context.getDisplayName());
        }
        if (work != null) {
            if (pool != null) {
                pool.close();
            }
            Directories.deleteTree(work);
        }
    }

    /** A failed test's ssid logs, copied out before the pool goes, so that they can say why. */
    private void keepLogs(String test) {
        Path kept = Path.of(System.getProperty("java.io.tmpdir"), "ssi-failed-" + System.currentTimeMillis());
        try (var logs = Files.walk(work)) {
            for (Path log : (Iterable<Path>) logs.filter(p -> p.getFileName().toString().equals("ssid.log"))::iterator) {
                Path copy = kept.resolve(work.relativize(log).toString().replace('/', '_'));
                Files.createDirectories(kept);
                Files.copy(log, copy);
            }
            System.err.println("ssid logs of the failed test " + test + " are in " + kept);
        } catch (java.io.IOException e) {
            System.err.println("cannot keep the ssid logs of " + test + ": " + e.getMessage());
        }
    }

    SystemPool pool() {
        return pool;
    }

    /** The test's own directory, beside the pool's. */
    Path work() {
        return work;
    }
}
