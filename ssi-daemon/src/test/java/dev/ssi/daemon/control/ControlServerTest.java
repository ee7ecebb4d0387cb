package dev.ssi.daemon.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ControlServerTest {
    @TempDir
    Path dir;

    @Test
    void aClientBeyondTheMostServedAtOnceIsToldSo() throws Exception {
        Path socket = dir.resolve("ssid.sock");
        List<SocketChannel> clients = new ArrayList<>();
        // No node: these clients never say what they want, so none is asked anything.
        try (ControlServer server = ControlServer.start(socket, null)) {
            for (int i = 0; i < ControlServer.MAX_CLIENTS; i++) {
                clients.add(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
            }
            try (SocketChannel refused = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                refused.connect(UnixDomainSocketAddress.of(socket));
                ControlFrame reply = ControlFrame.read(new DataInputStream(new BufferedInputStream(
                        ChannelStreams.input(refused))));
                assertEquals(ControlFrame.Type.ERROR, reply.type());
                String message = reply.reader().string();
                assertTrue(message.contains("at most " + ControlServer.MAX_CLIENTS + " clients"), message);
            }
        } finally {
            for (SocketChannel client : clients) {
                client.close();
            }
        }
    }
}
