package dev.ssi.daemon.home;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A reader in this process that writes a job's output into a stream as it comes, and has it
 * once written: for a caller whose stream never blocks (a buffer), as the tests' are. An
 * ssi-run's connection is no such stream: it reads at its own pace (control's attached clients).
 */
final class StreamReader implements OutputReader {
    private static final int CHUNK = 64 * 1024;

    private final HomeOutput output;
    private final OutputStream out;
    private long written;
    private boolean writing;
    private boolean again;

    StreamReader(HomeOutput output, OutputStream out, long from) {
        this.output = output;
        this.out = out;
        this.written = from;
    }

    /** Home's lock is held, and home may call again from within (once the stream has some, home has room): that is noted. */
    @Override
    public synchronized void more() {
        if (writing) {
            again = true;
            return;
        }
        writing = true;
        try {
            do {
                again = false;
                for (byte[] bytes; (bytes = output.read(written, CHUNK)).length > 0; ) {
                    out.write(bytes);
                    written += bytes.length;
                }
                out.flush();
                output.received(written);
            } while (again);
        } catch (IOException e) {
            // The stream is broken: what it missed is kept for whoever attaches next.
            output.detach(this);
        } finally {
            writing = false;
        }
    }
}
