package dev.ssi.daemon.control;

import dev.ssi.daemon.node.Node;
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

/**
 * ssid's Unix control socket. Anyone on the machine may connect; each connection is served on
 * its own thread, and the kernel tells who the client is (SO_PEERCRED), never the client.
 */
public final class ControlServer implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Path socket;
    private final Node node;
    private final PoolControls pool;

    private ControlServer(ServerSocketChannel server, Path socket, Node node, PoolControls pool) {
        this.server = server;
        this.socket = socket;
        this.node = node;
        this.pool = pool;
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

    /** {@code pool}: the pool's load, drain and the reclaim rules, as the node's balancing has them. */
    public static ControlServer start(Path socket, Node node, PoolControls pool) throws IOException {
        Files.createDirectories(socket.getParent());
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        ControlServer control = new ControlServer(server, socket, node, pool);
        Thread acceptor = new Thread(control::accept, "control-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return control;
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                String user = client.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user().getName();
                Thread session = new Thread(new ControlSession(client, node, pool, user), "control-" + user);
                session.setDaemon(true);
                session.start();
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
            }
        }
    }

    public Path socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
    }
}
