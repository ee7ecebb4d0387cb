package dev.ssi.daemon.control;

import dev.ssi.daemon.concurrent.Threads;
import dev.ssi.daemon.control.ControlFrame.Payload;
import dev.ssi.daemon.control.ControlFrame.Type;
import dev.ssi.daemon.job.Owner;
import dev.ssi.daemon.node.Node;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * ssid's Unix control socket. Anyone on the machine may connect; the kernel tells who the client
 * is (SO_PEERCRED), never the client. Each request is answered on a thread of a bounded pool; a
 * client beyond {@value #MAX_CLIENTS} at once is told so and hung up on. An ssi-run, once its job
 * is started or found, is handed to the {@link AttachedClients} loop, which serves it without a
 * thread of its own until the job ends.
 */
public final class ControlServer implements AutoCloseable {
    static final int MAX_CLIENTS = 128;

    private static final int REFUSED_CLOSE_SECONDS = 5;

    private final ExecutorService sessions = Threads.refusingBeyond("control-client", MAX_CLIENTS);
    private final ScheduledExecutorService closing = Threads.timer("control-refused");
    private final AttachedClients attached;
    private final ServerSocketChannel server;
    private final Path socket;
    private final Node node;
    private final PoolControls pool;
    private final Admins admins;

    private ControlServer(ServerSocketChannel server, Path socket, Node node, PoolControls pool, Admins admins)
            throws IOException {
        this.attached = new AttachedClients(node);
        this.server = server;
        this.socket = socket;
        this.node = node;
        this.pool = pool;
        this.admins = admins;
    }

    /** A server for a node that does not balance: {@code ssi nodes} lists the nodes it knows, without their load. */
    public static ControlServer start(Path socket, Node node) throws IOException {
        return start(socket, node, new PoolControls() {
            @Override
            public List<Map<String, Object>> nodes() {
                return node.directory().nodes();
            }

            @Override
            public Map<String, Object> drain(boolean drain) {
                throw notBalancing();
            }

            @Override
            public Map<String, String> reclaimSettings() {
                return Map.of();
            }

            @Override
            public void checkReclaim(Map<String, String> changes) {
                throw notBalancing();
            }

            @Override
            public void changeReclaim(Map<String, String> changes) {
                throw notBalancing();
            }

            private IllegalStateException notBalancing() {
                return new IllegalStateException("node " + node.id() + " does not balance: it has no guests to send away");
            }
        });
    }

    /** {@code pool}: the pool's load, drain and the reclaim rules, as the node's balancing has them; root alone is admin. */
    public static ControlServer start(Path socket, Node node, PoolControls pool) throws IOException {
        return start(socket, node, pool, Admins.ROOT_ONLY);
    }

    /** {@code admins}: who may drain, undrain and change the host's terms. */
    public static ControlServer start(Path socket, Node node, PoolControls pool, Admins admins) throws IOException {
        Files.createDirectories(socket.getParent());
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        ControlServer control = new ControlServer(server, socket, node, pool, admins);
        Threads.start("control-accept", control::accept);
        return control;
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                serve(client, PeerOwner.of(client));
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
            }
        }
    }

    private void serve(SocketChannel client, Owner user) {
        try {
            sessions.execute(new ControlSession(client, node, pool, user, admins, attached));
        } catch (RejectedExecutionException e) {
            refuse(client);
        }
    }

    /**
     * Said on the accepting thread: one small frame, which the socket's buffer takes without
     * waiting. The socket closes a few seconds later, so that the client's request, whenever it
     * comes, still finds it open and the client reads the refusal rather than a broken pipe.
     */
    private void refuse(SocketChannel client) {
        try {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(ChannelStreams.output(client)));
            ControlFrame.of(Type.ERROR, new Payload().string("ssid serves at most " + MAX_CLIENTS
                    + " clients at once; try again once some have finished")).writeTo(out);
            client.shutdownOutput();
        } catch (IOException ignored) {
            // The client is gone already.
        }
        closing.schedule(() -> closeQuietly(client), REFUSED_CLOSE_SECONDS, TimeUnit.SECONDS);
    }

    private static void closeQuietly(SocketChannel client) {
        try {
            client.close();
        } catch (IOException ignored) {
            // Closed either way.
        }
    }

    public Path socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        server.close();
        sessions.shutdown();
        closing.shutdown();
        attached.close();
        Files.deleteIfExists(socket);
    }
}
