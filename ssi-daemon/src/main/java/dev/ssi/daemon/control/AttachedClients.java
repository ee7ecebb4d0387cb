package dev.ssi.daemon.control;

import dev.ssi.daemon.concurrent.Threads;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.Owner;
import dev.ssi.daemon.node.Node;
import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;

/**
 * The ssi-runs attached to their jobs, at most {@value #MAX_ATTACHED} at once, all served by one
 * thread in a selector: each socket is written to as it takes more and read from as it has
 * something, so a client that stops reading holds up nothing but its own job's output (and,
 * through home's spool limit, its own job). Their signals go to a small pool, one at a time per
 * client.
 */
final class AttachedClients implements AutoCloseable {
    static final int MAX_ATTACHED = 512;
    private static final int SIGNALLING = 4;
    private static final System.Logger LOG = System.getLogger(AttachedClients.class.getName());

    private final Semaphore slots = new Semaphore(MAX_ATTACHED);
    /** Clients with something new (output, their end, a signal delivered): each at most once. */
    private final Queue<AttachedClient> ready = new ConcurrentLinkedQueue<>();
    private final ExecutorService signals = Threads.bounded("control-signal", SIGNALLING);
    private final Selector selector;
    private final Node node;
    private final Thread loop;
    private volatile boolean open = true;

    AttachedClients(Node node) throws IOException {
        this.node = node;
        this.selector = Selector.open();
        this.loop = Threads.start("control-attached", this::run);
    }

    /** A place for one more ssi-run, taken before its job is; false when all are taken. */
    boolean reserve() {
        return slots.tryAcquire();
    }

    /** Gives a place back: its client is gone, or never attached. */
    void release() {
        slots.release();
    }

    /**
     * {@code user}'s ssi-run, on {@code channel}, takes {@code job}'s output from byte {@code from}
     * on; {@code early} is what it sent after its request. From here on the connection is this
     * loop's. Fails, the connection still the caller's, when home refuses the attachment.
     */
    void attach(SocketChannel channel, JobId job, Owner user, long from, byte[] early) throws IOException {
        AttachedClient client = new AttachedClient(this, channel, job, node.home(), signals, from, early);
        client.start(node.home().attach(job, user, client, from));
    }

    /** {@code client} has something new: the loop serves it soon. Never blocks. */
    void wake(AttachedClient client) {
        ready.add(client);
        selector.wakeup();
    }

    private void run() {
        while (open) {
            try {
                selector.select();
            } catch (ClosedSelectorException e) {
                return;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "the attached clients' selector failed; their loop stops", e);
                return;
            }
            for (AttachedClient client; (client = ready.poll()) != null; ) {
                AttachedClient served = client;
                guarded(served, () -> served.serve(selector));
            }
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                AttachedClient client = (AttachedClient) key.attachment();
                guarded(client, () -> {
                    if (key.isValid() && key.isReadable()) {
                        client.readable();
                    }
                    if (key.isValid() && key.isWritable()) {
                        client.writable();
                    }
                });
            }
        }
    }

    /** A fault in one client's handling ends that client, as a hang-up, never the loop. */
    private static void guarded(AttachedClient client, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "an attached client failed; its connection is closed", e);
            client.failed(e);
        }
    }

    /** Stops serving: the connections close without a word to their jobs (ssi-run waits for the next ssid). */
    @Override
    public void close() {
        open = false;
        selector.wakeup();
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (AttachedClient client; (client = ready.poll()) != null; ) {
            client.close();
        }
        try {
            for (SelectionKey key : selector.keys()) {
                ((AttachedClient) key.attachment()).close();
            }
            selector.close();
        } catch (IOException | ClosedSelectorException ignored) {
            // Closed either way.
        }
        signals.shutdown();
    }
}
