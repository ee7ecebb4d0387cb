package dev.ssi.daemon.control;

import dev.ssi.checkpoint.os.OsException;
import dev.ssi.checkpoint.os.PeerCredentials;
import dev.ssi.daemon.job.Owner;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/** The owner of a control client's jobs: whoever the kernel says is at the other end of its socket. */
final class PeerOwner {
    private PeerOwner() {}

    static Owner of(SocketChannel client) throws IOException {
        String name = client.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user().getName();
        PeerCredentials peer;
        try {
            peer = PeerCredentials.of(descriptor(client));
        } catch (OsException e) {
            client.close();
            throw e;
        }
        return new Owner(name, peer.uid(), peer.gid(), peer.groups());
    }

    /** The channel's descriptor, which Java keeps to itself (ssid runs with sun.nio.ch exported). */
    private static int descriptor(SocketChannel client) throws IOException {
        try {
            return (int) Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal").invoke(client);
        } catch (ReflectiveOperationException | RuntimeException e) {
            client.close();
            throw new IOException("cannot read the control client's credentials: " + e, e);
        }
    }
}
