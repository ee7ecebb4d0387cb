package dev.ssi.daemon.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ssi.daemon.job.Owner;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerOwnerTest {
    @TempDir
    Path dir;

    @Test
    void theOwnerIsWhoTheKernelSaysConnectedWithAllTheirGroups() throws Exception {
        Path socket = dir.resolve("control.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                    SocketChannel accepted = server.accept()) {
                Owner owner = PeerOwner.of(accepted);
                assertEquals(System.getProperty("user.name"), owner.name());
                assertEquals(statusField("Uid"), owner.uid());
                assertEquals(statusField("Gid"), owner.gid());
                assertEquals(ownGroups(), owner.groups().stream().sorted().toList());
            }
        }
    }

    /** The real id in /proc/self/status's "Uid:" or "Gid:" line. */
    private static int statusField(String name) throws Exception {
        return Integer.parseInt(statusLine(name)[0]);
    }

    private static List<Integer> ownGroups() throws Exception {
        return Arrays.stream(statusLine("Groups")).filter(s -> !s.isEmpty()).map(Integer::valueOf).sorted().toList();
    }

    private static String[] statusLine(String name) throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith(name + ":"))
                .findFirst().orElseThrow().substring(name.length() + 1).strip().split("\\s+");
    }
}
