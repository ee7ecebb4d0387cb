package dev.ssi.daemon.balance.input;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Terminals' access times, as HTCondor's KeyboardIdle reads them: the kernel sets a tty's atime
 * when a program reads input from it (someone typed), and only its mtime when output is written.
 * It does so in steps of 8 seconds ({@code tty_update_time} in {@code drivers/tty/tty_io.c}), so
 * that its times tell no one the rhythm of the typing. Each pattern is an absolute path whose
 * last part may be a glob ({@code /dev/tty[0-9]*}, {@code /dev/pts/*}); the ttys are listed anew
 * each time, as terminals come and go.
 */
final class TtyAccess implements InputSource {
    private final List<TtyPattern> patterns;

    TtyAccess(List<TtyPattern> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    @Override
    public OptionalLong lastInputMillis() {
        OptionalLong latest = OptionalLong.empty();
        for (Path tty : ttys()) {
            try {
                long atime = Files.readAttributes(tty, BasicFileAttributes.class).lastAccessTime().toMillis();
                if (latest.isEmpty() || atime > latest.getAsLong()) {
                    latest = OptionalLong.of(atime);
                }
            } catch (IOException e) {
                // Gone since it was listed: a closed terminal has no input to tell.
            }
        }
        return latest;
    }

    private List<Path> ttys() {
        List<Path> ttys = new ArrayList<>();
        for (TtyPattern pattern : patterns) {
            if (pattern.glob().isEmpty()) {
                ttys.add(pattern.dir());
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(pattern.dir(), pattern.glob())) {
                entries.forEach(ttys::add);
            } catch (NoSuchFileException e) {
                // No such directory on this machine (no /dev/pts without devpts): no ttys there.
            } catch (IOException e) {
                // Unreadable now: the other patterns still count.
            }
        }
        return ttys;
    }
}
