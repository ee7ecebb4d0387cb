package dev.ssi.daemon.journal;

import dev.ssi.daemon.journal.JournalEntries.Ended;
import dev.ssi.daemon.journal.JournalEntries.Entry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What forcing a commit point costs: N appends of an Ended entry (a commit point, forced)
 * alternating with N of a chunk of about its size (not forced), then N chunks in a row, in a
 * journal under DIR (default: a temporary
 * directory under java.io.tmpdir). Not a test; run it by hand:
 *
 * <pre>java $CHRONICLE_FLAGS -cp ... dev.ssi.daemon.journal.JournalSyncCost [DIR [N]]</pre>
 */
public final class JournalSyncCost {
    private JournalSyncCost() {}

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Files.createTempDirectory(Path.of(args[0]), "journal-sync")
                : Files.createTempDirectory("journal-sync");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        try (Journal journal = Journal.open(dir)) {
            journal.append(JournalTest.hosted("ws/1"));
            for (int round = 0; round < 2; round++) { // the first round warms up
                long[] plain = new long[n];
                long[] forced = new long[n];
                for (int i = 0; i < n; i++) {
                    Entry chunk = JournalTest.chunk("ws/1", i, "0123456");
                    long t0 = System.nanoTime();
                    journal.append(chunk);
                    plain[i] = System.nanoTime() - t0;
                    Entry ended = Entry.newBuilder().setEnded(Ended.newBuilder().setJob("ws/1").setEpoch(0).setCode(i))
                            .build();
                    t0 = System.nanoTime();
                    journal.append(ended);
                    forced[i] = System.nanoTime() - t0;
                }
                long[] alone = new long[n];
                for (int i = 0; i < n; i++) {
                    Entry chunk = JournalTest.chunk("ws/1", n + i, "0123456");
                    long t0 = System.nanoTime();
                    journal.append(chunk);
                    alone[i] = System.nanoTime() - t0;
                }
                if (round == 1) {
                    System.out.printf("%s, %d appends each:%n  not forced (chunk), alternating with forced ones: %s%n"
                            + "  forced (ended), alternating: %s%n  not forced (chunk), in a row: %s%n", dir, n,
                            summary(plain), summary(forced), summary(alone));
                }
            }
        }
    }

    private static String summary(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0) / 1000;
        return String.format("mean %.1f us, median %.1f us, p99 %.1f us", mean, sorted[sorted.length / 2] / 1000.0,
                sorted[sorted.length * 99 / 100] / 1000.0);
    }
}
