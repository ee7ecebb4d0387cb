package dev.ssi.pool;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * A node of a local pool as its {@code ssid} runs it: the workstation or a host, with the
 * address its peers reach it at and its directory, which holds its identity, its configuration,
 * its control socket, its pid file, its log and its state.
 */
public record PoolNode(String name, InetSocketAddress address, Path dir) {
    static final String CONFIG_FILE = "ssid.properties";
    static final String PID_FILE = "ssid.pid";

    /** node.key, node.crt and pool.crt. */
    public Path identityDir() {
        return dir.resolve("identity");
    }

    public Path config() {
        return dir.resolve(CONFIG_FILE);
    }

    /** Where ssi-run and ssi reach this node's ssid. */
    public Path socket() {
        return dir.resolve("ssid.sock");
    }

    Path pidFile() {
        return dir.resolve(PID_FILE);
    }

    /** ssid's standard output and error. */
    public Path log() {
        return dir.resolve("ssid.log");
    }

    /** {@code name@host:port}, as a peer list names it. */
    String asPeer() {
        return name + "@" + address.getHostString() + ":" + address.getPort();
    }
}
