package dev.ssi.daemon.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.daemon.LoopbackNodes;
import dev.ssi.daemon.node.Node;
import dev.ssi.daemon.journal.JournalEntries.Entry;
import dev.ssi.daemon.journal.JournalEntries.Submitted;
import dev.ssi.daemon.journal.JournalEntries.Thawed;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal damaged as a crash or a bad disk leaves it: a torn last entry, a flipped byte. The
 * journal still opens, reads everything else, says what it skipped and which jobs it can no
 * longer account for; and a node starts on it.
 */
@Timeout(120)
class JournalDamageTest {
    @TempDir
    Path state;

    private static Entry chunk(String job, long seq, String text) {
        return JournalTest.chunk(job, seq, text);
    }

    /** Ws/1 with chunks 0 to 4 (chunk 2 says {@code middle}, chunk 4 {@code last}), then ws/2 with chunk 0. */
    private void writeTwoJobs(String middle, String last) throws Exception {
        try (Journal journal = Journal.open(state)) {
            journal.append(JournalTest.hosted("ws/1"));
            for (int i = 0; i < 5; i++) {
                journal.append(chunk("ws/1", i, i == 2 ? middle : i == 4 ? last : "line " + i));
            }
            journal.append(JournalTest.hosted("ws/2"));
            journal.append(chunk("ws/2", 0, "other job"));
        }
    }

    static Path cycleFile(Path state) throws Exception {
        try (Stream<Path> files = Files.list(state.resolve("journal"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }

    /** Where {@code text} is in the journal's file. */
    static int offsetOf(Path state, String text) throws Exception {
        String file = new String(Files.readAllBytes(cycleFile(state)), StandardCharsets.ISO_8859_1);
        int at = file.indexOf(text);
        assertTrue(at > 0 && file.indexOf(text, at + 1) < 0, text + " is in the journal once");
        return at;
    }

    static void flip(Path state, int offset, int bits) throws Exception {
        try (FileChannel file = FileChannel.open(cycleFile(state), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            file.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ bits)).rewind();
            file.write(one, offset);
        }
    }

    @Test
    void aTornLastEntryIsSkippedAndItsJobNamed() throws Exception {
        writeTwoJobs("line 2", "line 4");
        try (Journal journal = Journal.open(state)) {
            journal.append(JournalTest.hosted("ws/3"));
            journal.append(chunk("ws/3", 0, "torn in the middle of this line"));
        }
        // A crash mid-write: the file ends inside the last entry (Chronicle maps zeros past the end).
        try (FileChannel file = FileChannel.open(cycleFile(state), StandardOpenOption.WRITE)) {
            file.truncate(offsetOf(state, "torn in the middle") + 7);
        }
        try (Journal journal = Journal.open(state)) {
            JournalState after = journal.recovered();
            assertEquals(Set.of("ws/1", "ws/2", "ws/3"), after.hosted().keySet(), "everything before the tear is read");
            assertEquals(Set.of(0L, 1L, 2L, 3L, 4L), after.hosted().get("ws/1").unacked().keySet());
            assertEquals(Set.of(), after.hosted().get("ws/3").unacked().keySet(), "no torn chunk passes for output");
            JournalDamage damage = journal.damage();
            assertEquals(1, damage.skipped().size(), damage.report().toString());
            assertEquals(Optional.of("ws/3"), damage.skipped().get(0).job());
            assertEquals(Set.of("ws/3"), damage.unaccounted());
            assertTrue(damage.report().stream().anyMatch(l -> l.contains("ws/3")), damage.report().toString());
        }
        try (Journal journal = Journal.open(state)) {
            assertTrue(journal.damage().isEmpty(), "the journal was rewritten whole: " + journal.damage().report());
            assertEquals(Set.of("ws/1", "ws/2", "ws/3"), journal.recovered().hosted().keySet());
        }
    }

    @Test
    void aFlippedByteThatStillParsesIsCaughtByTheChecksum() throws Exception {
        writeTwoJobs("the flipped line", "line 4");
        // Before checksums this parsed, and chunk 2 was replayed with a wrong byte in it.
        flip(state, offsetOf(state, "the flipped line") + 4, 0x01);
        try (Journal journal = Journal.open(state)) {
            JournalState after = journal.recovered();
            assertEquals(Set.of(0L, 1L, 3L, 4L), after.hosted().get("ws/1").unacked().keySet());
            assertEquals(Set.of("ws/1", "ws/2"), after.hosted().keySet(), "the entries after it are read");
            JournalDamage damage = journal.damage();
            assertEquals(1, damage.skipped().size(), damage.report().toString());
            assertTrue(damage.skipped().get(0).why().contains("checksum"), damage.skipped().get(0).why());
            assertEquals(Set.of("ws/1"), damage.unaccounted());
        }
    }

    @Test
    void aFlippedByteThatBreaksTheEntryIsSkipped() throws Exception {
        writeTwoJobs("the broken line", "line 4");
        // The Entry's first byte, its kind's tag (chunk: field 2, length-delimited), made zero:
        // before, the replay threw and ssid did not start.
        int tag = offsetOf(state, "the broken line") - 12;
        flip(state, tag, 0x12);
        try (Journal journal = Journal.open(state)) {
            assertEquals(Set.of(0L, 1L, 3L, 4L), journal.recovered().hosted().get("ws/1").unacked().keySet());
            assertEquals(Set.of("ws/1", "ws/2"), journal.recovered().hosted().keySet());
            assertEquals(1, journal.damage().skipped().size(), journal.damage().report().toString());
        }
    }

    /** Chronicle's header of chunk 2 of ws/1 written by {@link #writeTwoJobs}: 4 bytes before its 0, its CRC and the Entry. */
    private int headerOf(String text) throws Exception {
        return offsetOf(state, text) - 12 - 5 - 4;
    }

    @Test
    void aFlippedBitInALengthIsSkippedAndTheNextEntryFound() throws Exception {
        writeTwoJobs("a longer line", "line 4");
        // Chronicle's own reader trusted this length, read past the mapped file and the JVM died (SIGSEGV).
        flip(state, headerOf("a longer line"), 0x08);
        try (Journal journal = Journal.open(state)) {
            assertEquals(Set.of(0L, 1L, 3L, 4L), journal.recovered().hosted().get("ws/1").unacked().keySet());
            assertEquals(Set.of("ws/1", "ws/2"), journal.recovered().hosted().keySet());
            assertEquals(1, journal.damage().skipped().size(), journal.damage().report().toString());
        }
    }

    @Test
    void anEntryWhoseMetadataBitFlippedIsStillRead() throws Exception {
        writeTwoJobs("not metadata", "line 4");
        // Chronicle's reader took it for one of its own documents and dropped it, silently.
        flip(state, headerOf("not metadata") + 3, 0x40);
        try (Journal journal = Journal.open(state)) {
            assertEquals(Set.of(0L, 1L, 2L, 3L, 4L), journal.recovered().hosted().get("ws/1").unacked().keySet());
            assertTrue(journal.damage().isEmpty(), journal.damage().report().toString());
        }
    }

    @Test
    void anEntryWhoseWritingNeverFinishedIsSkipped() throws Exception {
        writeTwoJobs("never finished", "line 4");
        // Its header still says "not complete", as a writer killed mid-entry leaves it: Chronicle's
        // reader stopped there, and everything after it was silently dropped.
        flip(state, headerOf("never finished") + 3, 0x80);
        try (Journal journal = Journal.open(state)) {
            assertEquals(Set.of(0L, 1L, 3L, 4L), journal.recovered().hosted().get("ws/1").unacked().keySet());
            assertEquals(Set.of("ws/1", "ws/2"), journal.recovered().hosted().keySet());
            assertEquals(1, journal.damage().skipped().size(), journal.damage().report().toString());
            assertTrue(journal.damage().skipped().get(0).why().contains("never finished"));
        }
    }

    @Test
    void entriesWhoseEarlierEntriesWereLostAreNamed() throws Exception {
        writeTwoJobs("line 2", "line 4");
        // Ws/2's Hosted entry lost: its chunk can be accounted for by nothing.
        flip(state, offsetOf(state, "ws-2") + 1, 0x20);
        try (Journal journal = Journal.open(state)) {
            assertEquals(Set.of("ws/1"), journal.recovered().hosted().keySet());
            assertEquals(1, journal.damage().skipped().size(), journal.damage().report().toString());
            assertEquals(Set.of("ws/2"), journal.damage().unaccounted());
        }
    }

    @Test
    void aJournalWrittenBeforeChecksumsIsReadAndRewrittenWithThem() throws Exception {
        Path dir = state.resolve("journal");
        try (net.openhft.chronicle.queue.ChronicleQueue old = net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder
                .binary(dir).rollCycle(net.openhft.chronicle.queue.RollCycles.FAST_DAILY).build();
                net.openhft.chronicle.queue.ExcerptAppender appender = old.createAppender()) {
            for (Entry entry : List.of(JournalTest.hosted("ws/1"), chunk("ws/1", 0, "old line"))) {
                appender.writeBytes(net.openhft.chronicle.bytes.Bytes.wrapForRead(entry.toByteArray()));
            }
        }
        try (Journal journal = Journal.open(state)) {
            assertTrue(journal.damage().isEmpty(), journal.damage().report().toString());
            assertEquals(Set.of(0L), journal.recovered().hosted().get("ws/1").unacked().keySet());
        }
        flip(state, offsetOf(state, "old line"), 0x01);
        try (Journal journal = Journal.open(state)) {
            assertEquals(1, journal.damage().skipped().size(), "rewritten with checksums: " + journal.damage().report());
        }
    }

    @Test
    void anIntactJournalReportsNothing() throws Exception {
        writeTwoJobs("line 2", "line 4");
        try (Journal journal = Journal.open(state, 7)) {
            for (int i = 5; i < 100; i++) {
                journal.append(chunk("ws/1", i, "line " + i));
            }
        }
        try (Journal journal = Journal.open(state)) {
            assertTrue(journal.damage().isEmpty(), journal.damage().report().toString());
            assertEquals(100, journal.recovered().hosted().get("ws/1").unacked().size());
        }
    }

    @Test
    void theJournalIsReadableByRootAlone() throws Exception {
        writeTwoJobs("line 2", "line 4");
        try (Journal journal = Journal.open(state, 3)) {
            for (int i = 5; i < 10; i++) {
                journal.append(chunk("ws/1", i, "line " + i)); // compacted on the way
            }
            assertOwnerOnly();
        }
        assertOwnerOnly();
    }

    private void assertOwnerOnly() throws Exception {
        Path dir = state.resolve("journal");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
            }
        }
    }

    @Test
    void theFactsPeersAndUsersAreToldOfAreCommitPoints() {
        assertTrue(Journal.isCommitPoint(JournalTest.hosted("ws/1")));
        assertTrue(Journal.isCommitPoint(Entry.newBuilder().setOutgoing(JournalEntries.Outgoing.newBuilder()
                .setJob("ws/1").setPhase(JournalEntries.Outgoing.Phase.COMMITTING)).build()));
        assertTrue(Journal.isCommitPoint(Entry.newBuilder().setIncoming(JournalEntries.Incoming.newBuilder()
                .setJob("ws/1").setPhase(JournalEntries.Incoming.Phase.COMMITTED)).build()));
        assertTrue(Journal.isCommitPoint(Entry.newBuilder().setHomeExit(JournalEntries.HomeExit.newBuilder()
                .setJob("ws/1")).build()));
        assertTrue(Journal.isCommitPoint(Entry.newBuilder().setSubmitted(Submitted.newBuilder().setNumber(1)).build()));
        assertTrue(!Journal.isCommitPoint(chunk("ws/1", 0, "output")), "output is a stream, not a commit point");
    }

    @Test
    void aNodeStartsOnADamagedJournalAndSaysWhatItSkipped() throws Exception {
        Path node = state.resolve("ws");
        try (Journal journal = Journal.open(node)) {
            journal.append(Entry.newBuilder().setSubmitted(Submitted.newBuilder().setNumber(3)).build());
            journal.append(Entry.newBuilder().setThawed(Thawed.newBuilder().setJob("ws/lost-entry")).build());
            journal.append(Entry.newBuilder().setSubmitted(Submitted.newBuilder().setNumber(4)).build());
        }
        flip(node, offsetOf(node, "lost-entry"), 0x04);
        try (LoopbackNodes nodes = new LoopbackNodes(state)) {
            Node started = nodes.start("ws", 1);
            List<String> said = started.journalDamage().report();
            assertEquals(1, said.size(), said.toString());
            assertTrue(said.get(0).startsWith("journal: skipped the entry at byte "), said.get(0));
        }
    }
}
