package dev.ssi.pool;

import dev.ssi.daemon.balance.LinkRate;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * The state file in a pool's directory: which pool was made there and of what. It is written
 * before anything is made and marked complete when all is, so a pool whose maker died half-way
 * is still known; every name the pool used follows from its id.
 */
record PoolState(PoolNames names, PoolSpec spec, boolean complete) {
    static final String FILE = "pool.state";
    static final String DRAFT = FILE + ".next";

    static Optional<PoolState> read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
            String link = properties.getProperty("link");
            String workstation = properties.getProperty("workstation-cpus");
            return Optional.of(new PoolState(
                    PoolNames.ofId(required(properties, "id")),
                    new PoolSpec(Integer.parseInt(required(properties, "hosts")),
                            Double.parseDouble(required(properties, "cpus-per-host")),
                            link == null ? Optional.empty() : Optional.of(LinkRate.parse(link)),
                            workstation == null ? Optional.empty() : Optional.of(Double.parseDouble(workstation))),
                    Boolean.parseBoolean(properties.getProperty("complete"))));
        } catch (IOException | RuntimeException e) {
            throw new PoolException("cannot read the pool state " + file + ": " + e.getMessage(), e);
        }
    }

    /** Replaces the state file at once, so a reader never sees half of one. */
    void write(Path dir) {
        Properties properties = new Properties();
        properties.setProperty("id", names.id());
        properties.setProperty("hosts", Integer.toString(spec.hosts()));
        properties.setProperty("cpus-per-host", Double.toString(spec.cpusPerHost()));
        spec.link().ifPresent(rate -> properties.setProperty("link", rate.toString()));
        spec.workstationCpus().ifPresent(cpus -> properties.setProperty("workstation-cpus", Double.toString(cpus)));
        properties.setProperty("complete", Boolean.toString(complete));
        Path file = dir.resolve(FILE);
        Path next = dir.resolve(DRAFT);
        try {
            try (Writer out = Files.newBufferedWriter(next, StandardCharsets.UTF_8)) {
                properties.store(out, "ssi local pool; remove it with: ssi-pool down --pool-dir " + dir);
            }
            Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new PoolException("cannot write the pool state " + file + ": " + e.getMessage(), e);
        }
    }

    private static String required(Properties properties, String key) {
        String value = properties.getProperty(key);
        if (value == null) {
            throw new PoolException("it has no " + key);
        }
        return value;
    }
}
