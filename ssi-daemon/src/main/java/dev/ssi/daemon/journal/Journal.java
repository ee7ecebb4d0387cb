package dev.ssi.daemon.journal;

import dev.ssi.daemon.Directories;
import dev.ssi.daemon.journal.JournalEntries.Entry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * A node's journal: every transition of the jobs it hosts and of the migrations it takes part
 * in, appended to a Chronicle Queue before it is acted upon. The queue is memory-mapped, so an
 * entry appended survives the process being killed the next instant.
 *
 * <p>Opening it replays it ({@link #recovered}): every entry carries a checksum, and replay
 * skips what it cannot read — a torn last entry, a flipped byte — says so ({@link #damage}) and
 * goes on; see {@link JournalFiles}. It is then rewritten with only what still matters, and again
 * every so many entries, so that it stays as small as the jobs it describes.
 */
public final class Journal implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Journal.class.getName());
    private static final String CURRENT = "journal";
    private static final String NEXT = "journal.next";
    private static final String OLD = "journal.old";
    /** Small blocks: a node's journal is a trickle, and many daemons share one machine. */
    private static final long BLOCK_SIZE = 1L << 20;
    static final int COMPACT_EVERY = 50_000;

    private final Path stateDir;
    private final int compactEvery;
    private final JournalState recovered;
    private final JournalDamage damage;
    private JournalState live = new JournalState();
    private ChronicleQueue queue;
    private ExcerptAppender appender;
    private int sinceCompaction;

    private Journal(Path stateDir, int compactEvery) throws IOException {
        this.stateDir = stateDir;
        this.compactEvery = compactEvery;
        Path current = stateDir.resolve(CURRENT);
        Path next = stateDir.resolve(NEXT);
        if (!Files.exists(current) && Files.exists(next)) {
            Files.move(next, current, StandardCopyOption.ATOMIC_MOVE);
        }
        Directories.deleteTree(next);
        Directories.deleteTree(stateDir.resolve(OLD));
        Files.createDirectories(current);
        this.recovered = new JournalState();
        this.damage = JournalFiles.replay(current, recovered, entry -> {}).damage();
        for (String line : damage.report()) {
            LOG.log(System.Logger.Level.WARNING, stateDir + ": " + line);
        }
        compact(recovered);
    }

    /** Opens the journal in {@code stateDir}: replayed, finishing a compaction a crash interrupted, and compacted. */
    public static Journal open(Path stateDir) throws IOException {
        return new Journal(stateDir, COMPACT_EVERY);
    }

    static Journal open(Path stateDir, int compactEvery) throws IOException {
        return new Journal(stateDir, compactEvery);
    }

    /** What the journal said when it was opened: the state a restarted node takes over from. */
    public JournalState recovered() {
        return recovered;
    }

    /**
     * What replay skipped when the journal was opened, and the jobs that leaves unaccounted for.
     * Said once: the journal is rewritten without what was skipped.
     */
    public JournalDamage damage() {
        return damage;
    }

    /** Appends one entry; it is in the journal when this returns. */
    public synchronized void append(Entry entry) {
        appender.writeBytes(Bytes.wrapForRead(JournalFiles.encode(entry)));
        live.apply(entry);
        if (++sinceCompaction >= compactEvery) {
            try {
                compact(live);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot compact the journal in " + stateDir, e);
            }
        }
    }

    /** Every entry, oldest first. */
    public synchronized void replay(Consumer<Entry> each) throws IOException {
        JournalFiles.replay(stateDir.resolve(CURRENT), new JournalState(), each);
    }

    /**
     * Replaces the journal by one holding only what {@code state} needs: written aside, then
     * swapped in by renames, so that a crash at any point leaves one whole journal.
     */
    private void compact(JournalState state) throws IOException {
        Path next = stateDir.resolve(NEXT);
        Directories.deleteTree(next);
        JournalState fresh = new JournalState();
        try (ChronicleQueue aside = queueAt(next); ExcerptAppender writer = aside.createAppender()) {
            for (Entry entry : state.live()) {
                writer.writeBytes(Bytes.wrapForRead(JournalFiles.encode(entry)));
                fresh.apply(entry);
            }
        }
        closeQueue();
        Files.move(stateDir.resolve(CURRENT), stateDir.resolve(OLD), StandardCopyOption.ATOMIC_MOVE);
        Files.move(next, stateDir.resolve(CURRENT), StandardCopyOption.ATOMIC_MOVE);
        Directories.deleteTree(stateDir.resolve(OLD));
        queue = queueAt(stateDir.resolve(CURRENT));
        appender = queue.createAppender();
        appender.singleThreadedCheckDisabled(true);
        live = fresh;
        sinceCompaction = 0;
    }

    private static ChronicleQueue queueAt(Path dir) {
        return SingleChronicleQueueBuilder.binary(dir).rollCycle(RollCycles.FAST_DAILY).blockSize(BLOCK_SIZE).build();
    }

    private void closeQueue() {
        if (appender != null) {
            appender.close();
        }
        if (queue != null) {
            queue.close();
        }
    }

    @Override
    public synchronized void close() {
        closeQueue();
    }
}
