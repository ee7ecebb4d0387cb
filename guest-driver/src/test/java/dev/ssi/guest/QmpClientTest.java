package dev.ssi.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The QMP client against a real QEMU with no machine at all: commands, errors, events, the end. */
@Timeout(60)
class QmpClientTest {
    @TempDir
    Path dir;

    private Process qemu;
    private Path socket;

    @BeforeEach
    void startQemu() throws Exception {
        socket = dir.resolve("qmp.sock");
        qemu = new ProcessBuilder(List.of("qemu-system-x86_64", "-machine", "none", "-nodefaults", "-display", "none",
                "-S", "-qmp", "unix:" + socket + ",server=on,wait=off"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("qemu.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(socket)) {
            assertTrue(qemu.isAlive(), () -> "QEMU ended: " + read(dir.resolve("qemu.log")));
            assertTrue(System.nanoTime() < deadline, "QEMU made no QMP socket within 30 s");
            Thread.sleep(20);
        }
    }

    @AfterEach
    void killQemu() {
        qemu.destroyForcibly();
        qemu.onExit().join();
    }

    @Test
    void commandsAnswerAndStateChangesComeAsEvents() {
        try (QmpClient qmp = QmpClient.connect(socket)) {
            assertEquals("prelaunch", qmp.execute("query-status").path("status").asText());

            qmp.execute("cont");
            assertEquals("RESUME", qmp.awaitEvent("RESUME", Duration.ofSeconds(10)).path("event").asText());
            assertEquals("running", qmp.execute("query-status").path("status").asText());

            qmp.execute("stop");
            qmp.awaitEvent("STOP", Duration.ofSeconds(10));
            assertEquals("paused", qmp.execute("query-status").path("status").asText());
        }
    }

    @Test
    void argumentsReachQemu() {
        try (QmpClient qmp = QmpClient.connect(socket)) {
            JsonNode answer = qmp.execute("qom-list", Map.of("path", "/machine"));
            assertTrue(answer.isArray() && answer.size() > 0, answer.toString());
        }
    }

    @Test
    void qemusErrorIsReportedInItsOwnWords() {
        try (QmpClient qmp = QmpClient.connect(socket)) {
            QmpException refused = assertThrows(QmpException.class, () -> qmp.execute("no-such-command"));
            assertEquals("CommandNotFound", refused.errorClass());
            assertTrue(refused.getMessage().contains("no-such-command"), refused.getMessage());

            QmpException badArgument = assertThrows(QmpException.class, () -> qmp.execute("qom-list", Map.of("path", 7)));
            assertEquals("GenericError", badArgument.errorClass());
            assertEquals("prelaunch", qmp.execute("query-status").path("status").asText(), "the connection goes on");
        }
    }

    @Test
    void afterQuitTheNextCommandSaysQemuHasGone() throws Exception {
        try (QmpClient qmp = QmpClient.connect(socket)) {
            qmp.execute("quit");
            assertTrue(qemu.waitFor(10, TimeUnit.SECONDS), "QEMU has quit");

            GuestException gone = assertThrows(GuestException.class, () -> qmp.execute("query-status"));
            assertTrue(gone.getMessage().contains("closed QMP socket " + socket), gone.getMessage());
        }
    }

    @Test
    void aSocketWhereNoQemuListensIsNamed() {
        Path nowhere = dir.resolve("nobody.sock");
        GuestException failure = assertThrows(GuestException.class, () -> QmpClient.connect(nowhere));
        assertTrue(failure.getMessage().startsWith("cannot connect to QMP socket " + nowhere), failure.getMessage());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
