package dev.ssi.daemon.journal;

import java.nio.file.Path;

/** A child process for JournalTest: appends a hosted job and N chunks of it, says so, and waits to be killed. */
public final class JournalWriter {
    private JournalWriter() {}

    public static void main(String[] args) throws Exception {
        Journal journal = Journal.open(Path.of(args[0]));
        int n = Integer.parseInt(args[1]);
        journal.append(JournalTest.hosted("ws/1"));
        for (int i = 0; i < n; i++) {
            journal.append(JournalTest.chunk("ws/1", i, "line " + i));
        }
        System.out.println("appended");
        System.out.flush();
        Thread.sleep(60_000);
    }
}
