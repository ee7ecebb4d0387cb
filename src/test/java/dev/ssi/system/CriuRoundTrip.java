package dev.ssi.system;

import dev.ssi.checkpoint.Criu;
import dev.ssi.daemon.journal.Directories;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The benchmarks' baseline: plain {@code criu dump} of a fresh memory job (memory-job.py under
 * ssi-init, as ssid runs a job) to tmpfs, which kills it, and {@code criu restore} of it from
 * there, run on a host of a local pool (criu-round-trip.sh).
 */
final class CriuRoundTrip {
    private final Criu criu;
    private final SystemPool pool;
    private final Path scratch;

    /** Round trips on {@code pool}'s hosts, with images in a directory made under {@code scratch} (tmpfs). */
    CriuRoundTrip(Criu criu, SystemPool pool, Path scratch) {
        this.criu = criu;
        this.pool = pool;
        this.scratch = scratch;
    }

    /** The seconds of one round trip. */
    record Seconds(double dump, double restore) {
        double total() {
            return dump + restore;
        }
    }

    /** Dumps and restores a fresh job of {@code mib} MiB on {@code host}. */
    Seconds of(String host, int mib) throws Exception {
        Path dir = Files.createTempDirectory(scratch, "criu-");
        try {
            Process roundTrip = pool.local().processIn(host, List.of("bash", resource("criu-round-trip.sh").toString(),
                    criu.binary().toString(), SystemPool.BIN.resolve("ssi-init").toString(), Integer.toString(mib),
                    dir.toString())).start();
            // Its stderr holds only bash's word on the job that the dump killed, unless it fails.
            ProcessOutput errors = ProcessOutput.of(roundTrip.getErrorStream());
            String seconds = new String(roundTrip.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (roundTrip.waitFor() != 0) {
                throw new IllegalStateException("the criu round trip on " + host + " failed (exit "
                        + roundTrip.exitValue() + "): " + new String(errors.all(), StandardCharsets.UTF_8));
            }
            double[] both = Arrays.stream(seconds.split(" ")).mapToDouble(Double::parseDouble).toArray();
            return new Seconds(both[0], both[1]);
        } finally {
            Directories.deleteTree(dir);
        }
    }

    /** A file of the test resources (the benchmarks' scripts and jobs). */
    static Path resource(String name) throws Exception {
        return Path.of(CriuRoundTrip.class.getResource("/" + name).toURI());
    }
}
