package dev.ssi.daemon.control;

import dev.ssi.daemon.Node;
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
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * ssid's Unix control socket. Anyone on the machine may connect; each connection is served on
 * its own thread, and the kernel tells who the client is (SO_PEERCRED), never the client.
 */
public final class ControlServer implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Path socket;
    private final Node node;
    private final Supplier<List<Map<String, Object>>> nodes;
    private final Function<Boolean, Map<String, Object>> drain;

    private ControlServer(ServerSocketChannel server, Path socket, Node node, Supplier<List<Map<String, Object>>> nodes,
            Function<Boolean, Map<String, Object>> drain) {
        this.server = server;
        this.socket = socket;
        this.node = node;
        this.nodes = nodes;
        this.drain = drain;
    }

    /** A server whose {@code ssi nodes} lists the nodes {@code node} knows, without their load. */
    public static ControlServer start(Path socket, Node node) throws IOException {
        return start(socket, node, node::nodes, drain -> {
            throw new IllegalStateException("node " + node.id() + " does not balance: it has no guests to send away");
        });
    }

    /**
     * @param nodes what {@code ssi nodes} answers: the nodes known, each with what is known of its load
     * @param drain {@code ssi drain} (true) and {@code ssi undrain} (false)
     */
    public static ControlServer start(Path socket, Node node, Supplier<List<Map<String, Object>>> nodes,
            Function<Boolean, Map<String, Object>> drain) throws IOException {
        Files.createDirectories(socket.getParent());
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        ControlServer control = new ControlServer(server, socket, node, nodes, drain);
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
                Thread session = new Thread(new ControlSession(client, node, nodes, drain, user), "control-" + user);
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
