package dev.ssi.daemon.job;

import dev.ssi.checkpoint.os.DescriptorSocket;
import dev.ssi.checkpoint.os.Descriptors;
import dev.ssi.checkpoint.os.OsException;
import dev.ssi.checkpoint.os.Processes;
import dev.ssi.checkpoint.os.Spawn;
import dev.ssi.daemon.concurrent.PollLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * This node's ssi-keeper (native/): it holds, by name, copies of the ssid's ends of every job's
 * pipes, so that they stay open when this ssid dies — the job blocks on a full pipe rather than
 * dying of SIGPIPE — and a restarted ssid takes them back. One keeper per state directory.
 */
public final class DescriptorKeeper implements AutoCloseable {
    private static final long START_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final DescriptorSocket socket;

    private DescriptorKeeper(DescriptorSocket socket) {
        this.socket = socket;
    }

    /** Connects to the keeper listening at {@code socketPath}, starting {@code binary} there if none does. */
    public static DescriptorKeeper connectOrStart(Path binary, Path socketPath) throws IOException {
        try {
            return handshake(DescriptorSocket.connect(socketPath));
        } catch (IOException e) {
            // None listens (or the last one is on its way out): a fresh one takes the name.
            Files.deleteIfExists(socketPath);
        }
        int pid = spawnDetached(binary, socketPath);
        PollLoop.shared().reap(pid);
        long deadline = System.nanoTime() + START_NANOS;
        while (true) {
            try {
                return handshake(DescriptorSocket.connect(socketPath));
            } catch (IOException e) {
                if (System.nanoTime() > deadline || Processes.hasEnded(pid)) {
                    throw new IOException("ssi-keeper (" + binary + ") did not start listening on " + socketPath, e);
                }
                sleep();
            }
        }
    }

    /** With no descriptor of ours but /dev/null: it outlives us, and must not hold our logs open. */
    private static int spawnDetached(Path binary, Path socketPath) throws IOException {
        int nullFd = Descriptors.openDevNull();
        try {
            return Spawn.of(binary.toString(), socketPath.toString()).fd(0, nullFd).fd(1, nullFd).fd(2, nullFd).start();
        } finally {
            Descriptors.closeQuietly(nullFd);
        }
    }

    /** A keeper that answers LIST is there; one that hangs up is leaving. */
    private static DescriptorKeeper handshake(DescriptorSocket socket) throws IOException {
        DescriptorKeeper keeper = new DescriptorKeeper(socket);
        try {
            keeper.list().values().forEach(DescriptorKeeper::closeAll);
            return keeper;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Hands copies of {@code descriptors} to the keeper under {@code name}, replacing what it held so. */
    public synchronized void hold(String name, int... descriptors) throws IOException {
        socket.send("PUT " + name, descriptors);
        expectOk("PUT " + name);
    }

    /** The keeper closes its copies of what it holds under {@code name}. */
    public synchronized void release(String name) throws IOException {
        socket.send("DROP " + name);
        expectOk("DROP " + name);
    }

    /** The keeper closes everything it holds (and so ends once this client hangs up). */
    public synchronized void releaseAll() throws IOException {
        for (Map.Entry<String, int[]> held : list().entrySet()) {
            closeAll(held.getValue());
            release(held.getKey());
        }
    }

    /** Copies of everything the keeper holds, by name; the caller owns (and must close) them. */
    public synchronized Map<String, int[]> list() throws IOException {
        socket.send("LIST");
        Map<String, int[]> held = new LinkedHashMap<>();
        while (true) {
            DescriptorSocket.Datagram d = answer("LIST");
            String text = d.text();
            if (text.equals("END")) {
                return held;
            }
            if (!text.startsWith("ENTRY ")) {
                closeAll(d.descriptors());
                held.values().forEach(DescriptorKeeper::closeAll);
                throw new IOException("ssi-keeper answered LIST with '" + text + "'");
            }
            held.put(text.substring("ENTRY ".length()), d.descriptors());
        }
    }

    private void expectOk(String request) throws IOException {
        DescriptorSocket.Datagram d = answer(request);
        closeAll(d.descriptors());
        if (!d.text().equals("ok")) {
            throw new IOException("ssi-keeper refused " + request + ": " + d.text());
        }
    }

    private DescriptorSocket.Datagram answer(String request) throws IOException {
        DescriptorSocket.Datagram d = socket.receive();
        if (d == null) {
            throw new IOException("ssi-keeper hung up on " + request);
        }
        return d;
    }

    private static void closeAll(int[] descriptors) {
        for (int fd : descriptors) {
            Descriptors.closeQuietly(fd);
        }
    }

    private static void sleep() throws IOException {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting ssi-keeper", e);
        }
    }

    /** Hangs up; the keeper goes on holding what it holds (and ends once it holds nothing). */
    @Override
    public void close() {
        socket.close();
    }
}
