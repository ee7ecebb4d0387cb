package dev.ssi.daemon.home;

import dev.ssi.checkpoint.os.OwnerOnly;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.journal.HomeJobState;
import dev.ssi.daemon.journal.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The directory (0700) of the spool files of the jobs whose home is here, one per job
 * ({@link ReaderSpool}, at most the {@link SpoolLimit} each): the output of each, made or taken
 * back from the journal, and what a home that stopped left of jobs it has forgotten cleared.
 */
final class HomeSpools {
    private final Path dir;
    private final SpoolLimit limit;
    private final Journal journal;

    HomeSpools(Path dir, SpoolLimit limit, Journal journal) throws IOException {
        this.dir = OwnerOnly.directories(dir);
        this.limit = limit;
        this.journal = journal;
    }

    /** The output of a job just submitted. */
    HomeOutput create(JobId job) throws IOException {
        return HomeOutput.create(job, journal, fileOf(job), limit);
    }

    /** The output of a job as the journal left it, spooled again. */
    HomeOutput restore(JobId job, HomeJobState state) throws IOException {
        return HomeOutput.restored(job, journal, state, fileOf(job), limit);
    }

    /** Deletes the spool files of every job but {@code live}. */
    void keepOnly(Set<JobId> live) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (live.stream().noneMatch(job -> fileOf(job).equals(file))) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private Path fileOf(JobId job) {
        return dir.resolve(job.value().replace('/', '-'));
    }
}
