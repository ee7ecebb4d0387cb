package dev.ssi.daemon.balance.input;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A real pseudo-terminal with a real program reading it, as a user's shell reads their
 * terminal: python3 opens the pty and starts {@code cat} on its slave side; each line typed
 * here is written to the master side, and cat's read of it is what moves the slave's access
 * time. Closing it ends both.
 */
public final class Pty implements AutoCloseable {
    private static final String SCRIPT = String.join("\n",
            "import os, subprocess, sys",
            "master, slave = os.openpty()",
            "name = os.ttyname(slave)",
            "reader = subprocess.Popen(['cat'], stdin=slave, stdout=subprocess.DEVNULL)",
            "os.close(slave)",
            "print(name, flush=True)",
            "for line in sys.stdin:",
            "    os.write(master, line.encode())",
            "reader.kill()",
            "reader.wait()");

    private final Process python;
    private final Path slave;

    private Pty(Process python, Path slave) {
        this.python = python;
        this.slave = slave;
    }

    public static Pty open() throws IOException {
        Process python = new ProcessBuilder("python3", "-c", SCRIPT).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String name = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (name == null || !name.startsWith("/dev/")) {
            python.destroyForcibly();
            throw new IOException("python3 did not open a pty: " + name);
        }
        return new Pty(python, Path.of(name));
    }

    /** The slave side's path, {@code /dev/pts/N}: the user's terminal. */
    public Path path() {
        return slave;
    }

    /** Types {@code line} and Enter: the reader reads it. */
    public void type(String line) throws IOException {
        OutputStream keyboard = python.getOutputStream();
        keyboard.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
    }

    /** Sets the terminal's access time back to {@code when}, as if nobody had typed since. */
    public void lastTypedAt(Instant when) throws IOException {
        Files.getFileAttributeView(slave, BasicFileAttributeView.class).setTimes(null, FileTime.from(when), null);
    }

    public Instant accessTime() throws IOException {
        return Files.readAttributes(slave, java.nio.file.attribute.BasicFileAttributes.class).lastAccessTime().toInstant();
    }

    @Override
    public void close() throws InterruptedException {
        python.descendants().forEach(ProcessHandle::destroy);
        python.destroy();
        if (!python.waitFor(10, TimeUnit.SECONDS)) {
            python.destroyForcibly();
        }
    }
}
