package dev.ssi.checkpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where this node's CRIU is: the {@code ssi.criu} property, the {@code SSI_CRIU} variable, the
 * project's private prefix ({@code <ssi.root>/.criu/criu}, made by scripts/setup.sh), or PATH.
 */
final class CriuBinary {
    private CriuBinary() {}

    static Path locate() throws CriuException {
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(System.getProperty("ssi.criu")).map(Path::of).ifPresent(candidates::add);
        Optional.ofNullable(System.getenv("SSI_CRIU")).map(Path::of).ifPresent(candidates::add);
        Optional.ofNullable(System.getProperty("ssi.root")).map(r -> Path.of(r, ".criu", "criu")).ifPresent(candidates::add);
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "criu"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new CriuException(
                "locating CRIU", "no criu executable at " + candidates + "; run scripts/setup.sh"));
    }
}
