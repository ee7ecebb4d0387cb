package dev.ssi.daemon.journal;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ssi.daemon.journal.JournalEntries.Entry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * A node's journal: every transition of the jobs it hosts and of the migrations it takes part
 * in, appended to a Chronicle Queue before it is acted upon. The queue is memory-mapped, so an
 * entry appended survives the process being killed the next instant; an entry that is a commit
 * point (see {@link #isCommitPoint}) is forced to the disk before {@link #append} returns, so
 * that it survives the machine losing power too, before any peer or user is told of it.
 *
 * <p>Opening it replays it ({@link #recovered}): every entry carries a checksum, and replay
 * skips what it cannot read — a torn last entry, a flipped byte — says so ({@link #damage}) and
 * goes on; see {@link JournalFiles}. It is then rewritten with only what still matters, and again
 * every so many entries, so that it stays as small as the jobs it describes.
 *
 * <p>Only its owner (root) reads it: its directory is 0700, its files 0600.
 */
public final class Journal implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Journal.class.getName());
    private static final String CURRENT = "journal";
    private static final String NEXT = "journal.next";
    private static final String OLD = "journal.old";
    /** Small blocks: a node's journal is a trickle, and many daemons share one machine. */
    private static final long BLOCK_SIZE = 1L << 20;
    static final int COMPACT_EVERY = 50_000;
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private final Path stateDir;
    private final int compactEvery;
    private final JournalState recovered;
    private final JournalDamage damage;
    private JournalState live = new JournalState();
    private ChronicleQueue queue;
    private ExcerptAppender appender;
    /** The queue's file being appended to, for forcing; it changes when the queue rolls to a new day. */
    private FileChannel cycleFile;
    private int cycle = Integer.MIN_VALUE;
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
        ownerOnlyDirectory(current);
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

    /**
     * Appends one entry; it is in the journal when this returns, and on the disk too when it is
     * a commit point. Throws {@link UncheckedIOException} when a commit point cannot be forced.
     */
    public synchronized void append(Entry entry) {
        appender.writeBytes(Bytes.wrapForRead(JournalFiles.encode(entry)));
        try {
            if (appender.cycle() != cycle || cycleFile == null) {
                rolled();
            } else if (isCommitPoint(entry)) {
                cycleFile.force(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot force the journal in " + stateDir + " to the disk", e);
        }
        live.apply(entry);
        if (++sinceCompaction >= compactEvery) {
            try {
                compact(live);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot compact the journal in " + stateDir, e);
            }
        }
    }

    /**
     * Whether {@code entry} is a commit point: a fact a peer or a user is told of once it is
     * journaled, so that losing it with the machine's power would leave them disagreeing — a job
     * hosted or arrived here, a migration's phase (COMMITTING above all), a job's end, its exit
     * told home, a number given, a job frozen or thawed, forgotten. The stream of a job's output
     * and its acknowledgements is not: a power loss takes the job's process with it anyway, and
     * a lost acknowledgement only makes the host send that output again.
     */
    static boolean isCommitPoint(Entry entry) {
        return switch (entry.getKindCase()) {
            case CHUNK, ACKED, HOME_DELIVERED, HOME_RECEIVED, HOME_CURSOR -> false;
            default -> true;
        };
    }

    /** Every entry, oldest first. */
    public synchronized void replay(Consumer<Entry> each) throws IOException {
        JournalFiles.replay(stateDir.resolve(CURRENT), new JournalState(), each);
    }

    /**
     * Replaces the journal by one holding only what {@code state} needs: written aside and
     * forced, then swapped in by renames, so that a crash at any point leaves one whole journal.
     */
    private void compact(JournalState state) throws IOException {
        Path next = stateDir.resolve(NEXT);
        Directories.deleteTree(next);
        ownerOnlyDirectory(next);
        JournalState fresh = new JournalState();
        try (ChronicleQueue aside = queueAt(next); ExcerptAppender writer = aside.createAppender()) {
            for (Entry entry : state.live()) {
                writer.writeBytes(Bytes.wrapForRead(JournalFiles.encode(entry)));
                fresh.apply(entry);
            }
        }
        forceAll(next);
        closeQueue();
        Files.move(stateDir.resolve(CURRENT), stateDir.resolve(OLD), StandardCopyOption.ATOMIC_MOVE);
        Files.move(next, stateDir.resolve(CURRENT), StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(stateDir);
        Directories.deleteTree(stateDir.resolve(OLD));
        queue = queueAt(stateDir.resolve(CURRENT));
        appender = queue.createAppender();
        appender.singleThreadedCheckDisabled(true);
        rolled();
        live = fresh;
        sinceCompaction = 0;
    }

    /**
     * The queue has a new file (a compaction, or a new day): it and whatever else Chronicle made
     * are made the owner's alone and forced, with the directory that lists them.
     */
    private void rolled() throws IOException {
        if (cycleFile != null) {
            cycleFile.close();
            cycleFile = null;
        }
        Path dir = stateDir.resolve(CURRENT);
        forceAll(dir);
        cycle = appender.cycle();
        java.io.File file = appender.currentFile();
        if (file != null) {
            cycleFile = FileChannel.open(file.toPath(), StandardOpenOption.READ);
        }
    }

    /** Makes every file in {@code dir} the owner's alone, forces each, then the directory. */
    private static void forceAll(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> listed = Files.list(dir)) {
            files = listed.filter(Files::isRegularFile).toList();
        }
        for (Path file : files) {
            Files.setPosixFilePermissions(file, OWNER_FILE);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                channel.force(false);
            }
        }
        forceDirectory(dir);
    }

    /** Forces {@code dir}'s entries (names created, renamed, removed) to the disk. */
    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /**
     * Creates {@code dir} readable by its owner alone, or makes it so: Chronicle creates its files
     * as the umask says (0644, usually), and they are set to 0600 once made, so the directory is
     * what keeps them from everyone else in between.
     */
    private static void ownerOnlyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
        }
        Files.setPosixFilePermissions(dir, OWNER_DIR);
    }

    private static ChronicleQueue queueAt(Path dir) {
        return SingleChronicleQueueBuilder.binary(dir).rollCycle(RollCycles.FAST_DAILY).blockSize(BLOCK_SIZE).build();
    }

    private void closeQueue() {
        if (cycleFile != null) {
            try {
                cycleFile.close();
            } catch (IOException ignored) {
                // Only a read handle, for forcing.
            }
            cycleFile = null;
        }
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
