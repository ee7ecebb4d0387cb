package dev.ssi.pool;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * This machine's claims on pool numbers: a file per pool under /run/ssi/pools, named by its id
 * and holding its directory. Claiming is one atomic link(2), so pools made at the same time
 * never get the same number; and a claim outlives the pool's own state file, so {@code down}
 * finds a pool whose directory lost it. Like /run/netns it is gone after a reboot, as the pools are.
 */
final class PoolRegistry {
    private static final Path CLAIMS = Path.of("/run/ssi/pools");

    private PoolRegistry() {}

    /** Claims the lowest pool number that has no claim and nothing {@code taken} says exists. */
    static PoolNames claim(Path poolDir, Predicate<PoolNames> taken) {
        try {
            Files.createDirectories(CLAIMS);
            Path draft = Files.createTempFile(CLAIMS, "claim-", ".draft");
            try {
                Files.writeString(draft, poolDir.toString());
                for (int number = 1; number <= PoolNames.MAX_NUMBER; number++) {
                    PoolNames names = new PoolNames(number);
                    if (Files.exists(claimOf(names)) || taken.test(names)) {
                        continue;
                    }
                    try {
                        Files.createLink(claimOf(names), draft);
                        return names;
                    } catch (FileAlreadyExistsException e) {
                        // Another pool claimed it since we looked; try the next.
                    }
                }
            } finally {
                Files.deleteIfExists(draft);
            }
        } catch (IOException e) {
            throw new PoolException("cannot claim a pool number in " + CLAIMS + ": " + e.getMessage(), e);
        }
        throw new PoolException("all " + PoolNames.MAX_NUMBER + " pool numbers are in use on this machine; "
                + "see " + CLAIMS + " and take some pools down");
    }

    /** The pools claimed for this directory (one, unless something went badly wrong). */
    static List<PoolNames> claimsOf(Path poolDir) {
        if (!Files.isDirectory(CLAIMS)) {
            return List.of();
        }
        try (Stream<Path> claims = Files.list(CLAIMS)) {
            return claims.map(claim -> claim.getFileName().toString())
                    .filter(name -> name.matches("p[0-9]+"))
                    .map(PoolNames::ofId)
                    .filter(names -> dirOf(names).filter(poolDir::equals).isPresent())
                    .toList();
        } catch (IOException e) {
            throw new PoolException("cannot list the pool claims in " + CLAIMS + ": " + e.getMessage(), e);
        }
    }

    static Optional<Path> dirOf(PoolNames names) {
        try {
            return Optional.of(Path.of(Files.readString(claimOf(names))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new PoolException("cannot read the claim " + claimOf(names) + ": " + e.getMessage(), e);
        }
    }

    static void release(PoolNames names) {
        try {
            Files.deleteIfExists(claimOf(names));
        } catch (IOException e) {
            throw new PoolException("cannot remove the claim " + claimOf(names) + ": " + e.getMessage(), e);
        }
    }

    private static Path claimOf(PoolNames names) {
        return CLAIMS.resolve(names.id());
    }
}
