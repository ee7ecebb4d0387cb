package dev.ssi.daemon.balance.input;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of {@code reclaim.input-ttys}: a tty's absolute path ({@code glob} empty), or a
 * directory and a glob for the names in it ({@code /dev/pts/*}).
 */
record TtyPattern(Path dir, String glob) {
    static final String KEY = "reclaim.input-ttys";

    /** The comma-separated patterns of {@code value}, or an error that names the key. */
    static List<TtyPattern> parse(String value) {
        List<TtyPattern> patterns = new ArrayList<>();
        for (String part : value.split(",")) {
            String text = part.strip();
            if (text.isEmpty()) {
                continue;
            }
            if (!text.startsWith("/")) {
                throw bad(value, "'" + text + "' is not an absolute path");
            }
            int slash = text.lastIndexOf('/');
            String parent = slash == 0 ? "/" : text.substring(0, slash);
            String name = text.substring(slash + 1);
            if (isGlob(parent)) {
                throw bad(value, "'" + text + "': only the last part of a path may be a pattern");
            }
            if (name.isEmpty()) {
                throw bad(value, "'" + text + "' names a directory, not a tty");
            }
            patterns.add(isGlob(name) ? new TtyPattern(Path.of(parent), name) : new TtyPattern(Path.of(text), ""));
        }
        return patterns;
    }

    private static boolean isGlob(String text) {
        return text.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    private static IllegalArgumentException bad(String value, String why) {
        return new IllegalArgumentException("'" + KEY + "': '" + value.strip() + "': " + why);
    }
}
