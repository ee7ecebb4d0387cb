package dev.ssi.daemon;

import dev.ssi.checkpoint.Criu;
import dev.ssi.daemon.balance.Balance;
import dev.ssi.daemon.control.Admins;
import dev.ssi.daemon.control.ControlServer;
import dev.ssi.daemon.node.Node;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.connection.TransportConfig;
import dev.ssi.transport.trust.NodeIdentity;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** The daemon: {@code ssid CONFIG}. Runs until SIGTERM or SIGINT. */
public final class Ssid {
    private Ssid() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ssid CONFIG-FILE");
            System.exit(2);
        }
        SsidConfig config;
        Admins admins;
        try {
            config = SsidConfig.load(Path.of(args[0]));
            admins = Admins.rootAnd(config.adminGroup());
        } catch (IllegalArgumentException | java.io.IOException e) {
            System.err.println("ssid: " + e.getMessage());
            System.exit(2);
            return;
        }
        NodeIdentity identity = NodeIdentity.load(config.identityDir());
        Map<NodeId, InetSocketAddress> peers = new LinkedHashMap<>();
        config.peers().forEach((name, address) -> peers.put(NodeId.of(name), address));
        Node node = Node.start(identity, TransportConfig.defaults(config.listen()), Criu.locate(), config.shim(),
                config.stateDir(), config.guests(), config.outputSpool(), peers);
        node.journalDamage().report().forEach(line -> System.err.println("ssid: " + line));
        Balance balance;
        try {
            balance = Balance.start(node, config.balance(), config.peers());
        } catch (IllegalArgumentException e) {
            node.close();
            System.err.println("ssid: " + e.getMessage());
            System.exit(2);
            return;
        }
        ControlServer control = ControlServer.start(config.controlSocket(), node, balance, admins);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                control.close();
            } catch (java.io.IOException ignored) {
                // The socket file is left behind; the next start removes it.
            }
            // The control socket is closed first: no job is submitted here while the guests leave.
            balance.evacuateBeforeStop();
            balance.close();
            node.close();
            stopped.countDown();
        }, "ssid-stop"));
        System.out.println("ssid: node " + node.id() + " listening on " + node.address() + ", control socket "
                + control.socket());
        stopped.await();
    }
}
