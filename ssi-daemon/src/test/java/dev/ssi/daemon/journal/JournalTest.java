package dev.ssi.daemon.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.ssi.daemon.journal.JournalEntries.Acked;
import dev.ssi.daemon.journal.JournalEntries.Chunk;
import dev.ssi.daemon.journal.JournalEntries.Entry;
import dev.ssi.daemon.journal.JournalEntries.Hosted;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The journal on a real Chronicle Queue: what was appended is there after a reopen, a kill -9 or a compaction. */
@Timeout(60)
class JournalTest {
    @TempDir
    Path state;

    static Entry chunk(String job, long seq, String text) {
        return Entry.newBuilder().setChunk(Chunk.newBuilder().setJob(job).setEpoch(0).setSeq(seq)
                .setData(ByteString.copyFromUtf8(text))).build();
    }

    static Entry hosted(String job) {
        return Entry.newBuilder().setHosted(Hosted.newBuilder().setJob(job).setHome("ws").setEpoch(0)
                .addArgv("true").setRoot(42).setKeeperName(job.replace('/', '-'))).build();
    }

    private JournalState recovered() throws Exception {
        try (Journal journal = Journal.open(state)) {
            return journal.recovered();
        }
    }

    @Test
    void entriesComeBackInOrderAfterAReopen() throws Exception {
        try (Journal journal = Journal.open(state)) {
            journal.append(hosted("ws/1"));
            for (int i = 0; i < 100; i++) {
                journal.append(chunk("ws/1", i, "line " + i + "\n"));
            }
        }
        JournalState after = recovered();
        assertEquals(hosted("ws/1").getHosted(), after.hosted().get("ws/1").hosted());
        assertEquals(100, after.hosted().get("ws/1").unacked().size());
        assertEquals("line 99\n", new String(after.hosted().get("ws/1").unacked().get(99L), StandardCharsets.UTF_8));
    }

    @Test
    void anEntryAppendedSurvivesTheProcessBeingKilled() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.startsWith("-Dchronicle")).toList());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), JournalWriter.class.getName(),
                state.toString(), "250"));
        Process writer = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("appended")) {
                // Chronicle's own start-up lines.
            }
            assertEquals("appended", line);
        }
        writer.destroyForcibly();
        assertTrue(writer.waitFor(10, TimeUnit.SECONDS));
        assertEquals(137, writer.exitValue(), "killed by SIGKILL, nothing closed");
        assertEquals(250, recovered().hosted().get("ws/1").nextSeq());
    }

    @Test
    void reopeningKeepsWhatStillMattersAndDropsTheRest() throws Exception {
        List<Entry> written = List.of(hosted("ws/1"), chunk("ws/1", 0, "a"), chunk("ws/1", 1, "b"),
                Entry.newBuilder().setAcked(Acked.newBuilder().setJob("ws/1").setEpoch(0).setNextSeq(1)).build(),
                hosted("ws/2"), Entry.newBuilder().setForgotten(JournalEntries.Forgotten.newBuilder().setJob("ws/2")).build());
        try (Journal journal = Journal.open(state)) {
            written.forEach(journal::append);
        }
        try (Journal journal = Journal.open(state)) {
            JournalState after = journal.recovered();
            assertEquals(java.util.Set.of("ws/1"), after.hosted().keySet());
            assertEquals(java.util.Set.of(1L), after.hosted().get("ws/1").unacked().keySet());
            assertEquals(2, after.hosted().get("ws/1").nextSeq());
            List<Entry> left = new ArrayList<>();
            journal.replay(left::add);
            assertFalse(left.contains(hosted("ws/2")), "what no longer matters is gone from the file");
        }
        assertFalse(Files.exists(state.resolve("journal.next")) || Files.exists(state.resolve("journal.old")));
    }

    @Test
    void homeKeepsTheHolderOfEveryEpochWhoseOutputMayStillComeAcrossCompactions() throws Exception {
        try (Journal journal = Journal.open(state)) {
            journal.append(Entry.newBuilder().setHomeSubmitted(JournalEntries.HomeSubmitted.newBuilder().setJob("ws/1")
                    .addArgv("true").setUser("alice")).build());
            for (int epoch = 1; epoch <= 3; epoch++) {
                journal.append(Entry.newBuilder().setHomeLocated(JournalEntries.HomeLocated.newBuilder().setJob("ws/1")
                        .setNode("h" + epoch).setEpoch(epoch)).build());
            }
            journal.append(Entry.newBuilder().setHomeCursor(JournalEntries.HomeCursor.newBuilder().setJob("ws/1")
                    .setEpoch(2)).build());
        }
        for (int reopen = 0; reopen < 2; reopen++) {
            try (Journal journal = Journal.open(state)) {
                HomeJobState home = journal.recovered().homeJobs().get("ws/1");
                assertEquals(List.of("h2", "h3"), home.locations().stream().map(l -> l.getNode()).toList(),
                        "epoch 1's output is all home: its holder no longer matters");
                assertEquals("h3", home.located().orElseThrow().getNode());
            }
        }
    }

    @Test
    void aFrozenJobIsKeptAcrossReopensUntilItIsThawed() throws Exception {
        Entry frozen1 = Entry.newBuilder().setFrozen(JournalEntries.Frozen.newBuilder().setJob("ws/1").setEpoch(2)
                .setImages("/state/frozen/ws-1-2/images").setImageBytes(4096)).build();
        Entry frozen2 = Entry.newBuilder().setFrozen(JournalEntries.Frozen.newBuilder().setJob("ws/2").setEpoch(1)).build();
        try (Journal journal = Journal.open(state)) {
            journal.append(frozen1);
            journal.append(frozen2);
            journal.append(Entry.newBuilder().setThawed(JournalEntries.Thawed.newBuilder().setJob("ws/2").setEpoch(1)).build());
            journal.append(Entry.newBuilder().setThawed(JournalEntries.Thawed.newBuilder().setJob("ws/1").setEpoch(1)).build());
        }
        try (Journal journal = Journal.open(state)) {
            assertEquals(java.util.Set.of("ws/1"), journal.recovered().frozen().keySet(),
                    "a thaw of another epoch leaves the frozen one");
            assertEquals(frozen1.getFrozen(), journal.recovered().frozen().get("ws/1"));
        }
    }

    @Test
    void aLongRunningJournalIsCompactedAsItGoes() throws Exception {
        try (Journal journal = Journal.open(state, 100)) {
            journal.append(hosted("ws/1"));
            for (int i = 0; i < 1000; i++) {
                journal.append(chunk("ws/1", i, "line " + i + "\n"));
                journal.append(Entry.newBuilder().setAcked(Acked.newBuilder().setJob("ws/1").setEpoch(0)
                        .setNextSeq(i + 1)).build());
            }
            List<Entry> left = new ArrayList<>();
            journal.replay(left::add);
            assertTrue(left.size() < 150, "compacted on the way: " + left.size() + " entries");
        }
        try (Journal journal = Journal.open(state)) {
            assertEquals(1000, journal.recovered().hosted().get("ws/1").nextSeq(), "nothing that matters was lost");
        }
    }

    @Test
    void aCompactionCutShortByACrashLeavesOneWholeJournal() throws Exception {
        try (Journal journal = Journal.open(state)) {
            journal.append(hosted("ws/1"));
        }
        // As if the crash came between the two renames: only the new journal is there.
        Files.move(state.resolve("journal"), state.resolve("journal.next"));
        assertEquals(java.util.Set.of("ws/1"), recovered().hosted().keySet());
    }

    @Test
    void chronicleNeverWritesItsAnalyticsIdentifier() throws Exception {
        try (Journal journal = Journal.open(state)) {
            journal.append(hosted("ws/1"));
        }
        assertEquals("true", System.getProperty("chronicle.analytics.disable"), "the JVM runs with analytics off");
        assertFalse(Files.exists(Path.of(System.getProperty("user.home"), ".chronicle.analytics.client.id")),
                "no analytics client id was written");
    }
}
