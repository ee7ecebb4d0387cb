package dev.ssi.daemon.balance.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Terminals' access times on a real pty that a real program reads: typing moves them, nothing else does. */
class TtyAccessTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void typingIntoAWatchedTerminalIsInputNow() throws Exception {
        try (Pty pty = Pty.open()) {
            Instant anHourAgo = Instant.now().minus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            pty.lastTypedAt(anHourAgo);
            TtyAccess ttys = new TtyAccess(TtyPattern.parse(pty.path().toString()));
            assertEquals(OptionalLong.of(anHourAgo.toEpochMilli()), ttys.lastInputMillis(), "untouched for an hour");

            long typedAt = System.currentTimeMillis();
            pty.type("ls");
            OptionalLong seen = awaitAfter(ttys, anHourAgo.toEpochMilli());
            // The kernel stores whole seconds.
            assertTrue(seen.getAsLong() >= typedAt - 1_000, "the terminal's time is the typing's: " + seen + " vs " + typedAt);
        }
    }

    @Test
    void aGlobCountsTheLatestOfTheFilesItNamesAndNoOthers(@TempDir Path dev) throws Exception {
        Instant base = Instant.now().minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        accessed(dev.resolve("tty1"), base);
        accessed(dev.resolve("tty12"), base.plusSeconds(30));
        accessed(dev.resolve("ttyS0"), base.plusSeconds(60));
        accessed(dev.resolve("console"), base.plusSeconds(90));
        TtyAccess ttys = new TtyAccess(TtyPattern.parse(dev.resolve("tty[0-9]*").toString()));
        assertEquals(OptionalLong.of(base.plusSeconds(30).toEpochMilli()), ttys.lastInputMillis());
    }

    @Test
    void writingToATerminalIsNoInput() throws Exception {
        try (Pty pty = Pty.open()) {
            Instant anHourAgo = Instant.now().minus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            pty.lastTypedAt(anHourAgo);
            // Output goes to the terminal's mtime, never its atime.
            Files.writeString(pty.path(), "a program's output\n");
            TtyAccess ttys = new TtyAccess(TtyPattern.parse(pty.path().toString()));
            assertEquals(OptionalLong.of(anHourAgo.toEpochMilli()), ttys.lastInputMillis());
        }
    }

    @Test
    void aMissingTerminalOrDirectoryIsNoInputAndNoError() {
        TtyAccess ttys = new TtyAccess(TtyPattern.parse("/dev/no-such-tty, /no/such/dir/*"));
        assertEquals(OptionalLong.empty(), ttys.lastInputMillis());
    }

    @Test
    void patternsAreAbsolutePathsWithAGlobAtMostInTheirLastPart() {
        assertEquals(List.of(new TtyPattern(Path.of("/dev"), "tty[0-9]*"), new TtyPattern(Path.of("/dev/pts/3"), ""),
                new TtyPattern(Path.of("/dev/pts"), "*")), TtyPattern.parse("/dev/tty[0-9]*, /dev/pts/3,/dev/pts/*"));
        assertEquals(List.of(), TtyPattern.parse(""));
        for (String bad : List.of("pts/1", "/dev/*/1", "/dev/")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TtyPattern.parse(bad));
            assertTrue(e.getMessage().startsWith("'reclaim.input-ttys': '" + bad + "'"), e.getMessage());
        }
    }

    private static void accessed(Path file, Instant at) throws Exception {
        Files.createFile(file);
        Files.getFileAttributeView(file, BasicFileAttributeView.class).setTimes(null, FileTime.from(at), null);
    }

    private static OptionalLong awaitAfter(TtyAccess ttys, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        OptionalLong seen = ttys.lastInputMillis();
        while (seen.orElse(millis) <= millis && System.nanoTime() < deadline) {
            Thread.sleep(50);
            seen = ttys.lastInputMillis();
        }
        assertTrue(seen.orElse(millis) > millis, "the typing moved the terminal's access time: " + seen);
        return seen;
    }
}
