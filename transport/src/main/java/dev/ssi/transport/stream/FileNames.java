package dev.ssi.transport.stream;

import java.nio.charset.StandardCharsets;

/**
 * Which file names a stream may carry: one plain path component, so that a received file can
 * only land inside the stream's own fresh directory.
 */
public final class FileNames {
    static final int MAX_BYTES = 255;

    private FileNames() {
    }

    /** The reason a name is refused, or null when it is fine. */
    public static String problemWith(String name) {
        if (name.isEmpty()) {
            return "empty file name";
        }
        if (name.equals(".") || name.equals("..")) {
            return "file name '" + name + "' is a directory reference";
        }
        if (name.indexOf('/') >= 0) {
            return name.startsWith("/") ? "absolute file name '" + name + "'"
                    : "file name '" + name + "' has a path separator";
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return "file name has a control character";
            }
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "file name longer than " + MAX_BYTES + " bytes";
        }
        return null;
    }
}
