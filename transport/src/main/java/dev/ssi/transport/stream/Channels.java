package dev.ssi.transport.stream;

import java.io.IOException;
import java.nio.channels.FileChannel;

/** Closing the file a stream had open when it ended or moved on. */
final class Channels {
    private Channels() {}

    /** Closes {@code file} if there is one, ignoring a failed close; returns null for the caller's field. */
    static FileChannel closeQuietly(FileChannel file) {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // Read-only, or its directory is deleted next: nothing is lost by a failed close.
            }
        }
        return null;
    }
}
