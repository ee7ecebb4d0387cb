package dev.ssi.daemon.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.checkpoint.os.Descriptors;
import dev.ssi.checkpoint.os.DescriptorSocket;
import dev.ssi.checkpoint.os.Pipe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real ssi-keeper binary: pipes it holds outlive the process that handed them over. */
@Timeout(30)
class DescriptorKeeperTest {
    static final Path KEEPER = Path.of(System.getProperty("ssi.bin", "../native/target/bin"), "ssi-keeper");

    @TempDir
    Path dir;

    @Test
    void aPipeHeldByTheKeeperKeepsItsDataForTheNextClient() throws Exception {
        Path socket = dir.resolve("keeper.sock");
        try (Pipe pipe = Pipe.open()) {
            try (DescriptorKeeper first = DescriptorKeeper.connectOrStart(KEEPER, socket)) {
                first.hold("job-1", pipe.readFd());
            }
            pipe.closeReadEnd();
            pipe.outputStream().write("still here\n".getBytes(StandardCharsets.UTF_8));
            pipe.closeWriteEnd();

            try (DescriptorKeeper second = DescriptorKeeper.connectOrStart(KEEPER, socket)) {
                Map<String, int[]> held = second.list();
                assertEquals(java.util.Set.of("job-1"), held.keySet());
                assertEquals(1, held.get("job-1").length);
                assertEquals("still here\n", readAll(held.get("job-1")[0]));
                second.release("job-1");
                assertTrue(second.list().isEmpty());
            }
        }
    }

    @Test
    void theKeeperEndsOnceItHoldsNothingAndItsClientHasGone() throws Exception {
        Path socket = dir.resolve("keeper.sock");
        ProcessHandle keeper;
        try (Pipe pipe = Pipe.open(); DescriptorKeeper client = DescriptorKeeper.connectOrStart(KEEPER, socket)) {
            keeper = keeperProcess();
            client.hold("a", pipe.readFd(), pipe.writeFd());
            client.release("a");
        }
        assertTrue(keeper.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS) != null);
        assertFalse(keeper.isAlive());
    }

    @Test
    void aMalformedRequestIsRefusedAndTheKeeperServesOn() throws Exception {
        Path socket = dir.resolve("keeper.sock");
        try (Pipe pipe = Pipe.open()) {
            try (DescriptorKeeper client = DescriptorKeeper.connectOrStart(KEEPER, socket)) {
                IOException e = assertThrows(IOException.class, () -> client.release("bad name with spaces"));
                assertTrue(e.getMessage().contains("ssi-keeper refused DROP"), e.getMessage());
                client.hold("kept", pipe.readFd());
            }
            try (DescriptorSocket raw = DescriptorSocket.connect(socket)) {
                raw.send("PUT nothing-attached");
                assertTrue(raw.receive().text().startsWith("error:"));
                raw.send("HELLO");
                assertTrue(raw.receive().text().startsWith("error: not a request"));
                raw.send("DROP kept");
                assertEquals("ok", raw.receive().text());
                raw.send("LIST");
                assertEquals("END", raw.receive().text());
            }
        }
    }

    @Test
    void severalDescriptorsComeBackInTheOrderTheyWentIn() throws Exception {
        Path socket = dir.resolve("keeper.sock");
        try (Pipe a = Pipe.open(); Pipe b = Pipe.open();
                DescriptorKeeper client = DescriptorKeeper.connectOrStart(KEEPER, socket)) {
            client.hold("two", a.readFd(), b.readFd());
            int[] back = client.list().get("two");
            String[] names = {Descriptors.describe(ProcessHandle.current().pid(), back[0]),
                    Descriptors.describe(ProcessHandle.current().pid(), back[1])};
            assertArrayEquals(new String[] {Descriptors.describe(ProcessHandle.current().pid(), a.readFd()),
                    Descriptors.describe(ProcessHandle.current().pid(), b.readFd())}, names);
            Descriptors.closeQuietly(back[0]);
            Descriptors.closeQuietly(back[1]);
            client.release("two");
        }
    }

    private static ProcessHandle keeperProcess() {
        return ProcessHandle.current().children()
                .filter(p -> p.info().command().map(c -> c.endsWith("ssi-keeper")).orElse(false))
                .findFirst().orElseThrow();
    }

    /** Reads a pipe we hold as a bare descriptor, through a second open of the same pipe, to its end. */
    private static String readAll(int fd) throws IOException {
        try (var in = new java.io.FileInputStream("/proc/self/fd/" + fd)) {
            Descriptors.closeQuietly(fd);
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) > 0; ) {
                all.write(buf, 0, n);
            }
            return all.toString(StandardCharsets.UTF_8);
        }
    }
}
