package dev.ssi.daemon.journal;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ssi.daemon.Directories;
import dev.ssi.daemon.journal.JournalEntries.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * A node's journal: every transition of the jobs it hosts and of the migrations it takes part
 * in, appended to a Chronicle Queue before it is acted upon. The queue is memory-mapped, so an
 * entry appended survives the process being killed the next instant. On start the node replays
 * it; {@link #compact} then rewrites it with only what still matters.
 */
public final class Journal implements AutoCloseable {
    private static final String CURRENT = "journal";
    private static final String NEXT = "journal.next";
    private static final String OLD = "journal.old";
    /** Small blocks: a node's journal is a trickle, and many daemons share one machine. */
    private static final long BLOCK_SIZE = 1L << 20;

    private final ChronicleQueue queue;
    private final ExcerptAppender appender;

    private Journal(Path dir) {
        this.queue = SingleChronicleQueueBuilder.binary(dir).rollCycle(RollCycles.FAST_DAILY).blockSize(BLOCK_SIZE)
                .build();
        this.appender = queue.createAppender();
        appender.singleThreadedCheckDisabled(true);
    }

    /** Opens the journal in {@code stateDir}, finishing a compaction a crash interrupted. */
    public static Journal open(Path stateDir) throws IOException {
        Path current = stateDir.resolve(CURRENT);
        Path next = stateDir.resolve(NEXT);
        if (!Files.exists(current) && Files.exists(next)) {
            Files.move(next, current, StandardCopyOption.ATOMIC_MOVE);
        }
        Directories.deleteTree(next);
        Directories.deleteTree(stateDir.resolve(OLD));
        Files.createDirectories(current);
        return new Journal(current);
    }

    /** Appends one entry; it is in the journal when this returns. */
    public synchronized void append(Entry entry) {
        byte[] bytes = entry.toByteArray();
        appender.writeBytes(Bytes.wrapForRead(bytes));
    }

    /** Every entry, oldest first. */
    public void replay(Consumer<Entry> each) throws IOException {
        try (ExcerptTailer tailer = queue.createTailer()) {
            Bytes<?> bytes = Bytes.allocateElasticOnHeap();
            while (true) {
                bytes.clear();
                if (!tailer.readBytes(bytes)) {
                    return;
                }
                try {
                    each.accept(Entry.parseFrom(bytes.toByteArray()));
                } catch (InvalidProtocolBufferException e) {
                    throw new IOException("journal entry " + Long.toHexString(tailer.index()) + " is unreadable", e);
                }
            }
        }
    }

    /**
     * Replaces the journal in {@code stateDir} by one holding only {@code live}: written aside,
     * then swapped in by renames, so that a crash at any point leaves one whole journal.
     */
    public static Journal compact(Path stateDir, Journal old, Iterable<Entry> live) throws IOException {
        Path next = stateDir.resolve(NEXT);
        Directories.deleteTree(next);
        try (Journal fresh = new Journal(next)) {
            live.forEach(fresh::append);
        }
        old.close();
        Files.move(stateDir.resolve(CURRENT), stateDir.resolve(OLD), StandardCopyOption.ATOMIC_MOVE);
        Files.move(next, stateDir.resolve(CURRENT), StandardCopyOption.ATOMIC_MOVE);
        Directories.deleteTree(stateDir.resolve(OLD));
        return new Journal(stateDir.resolve(CURRENT));
    }

    @Override
    public synchronized void close() {
        appender.close();
        queue.close();
    }
}
