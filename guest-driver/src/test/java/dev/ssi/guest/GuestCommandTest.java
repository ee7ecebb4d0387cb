package dev.ssi.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ssi guest}: a bad command line names what is wrong and starts nothing. */
class GuestCommandTest {
    @TempDir
    Path dir;

    private Path guests;
    private Path kernel;

    @BeforeEach
    void files() throws IOException {
        guests = dir.resolve("guests");
        kernel = Files.writeString(dir.resolve("vmlinuz"), "never booted: every case below stops before QEMU runs");
    }

    private record Result(int exit, String out, String err) {}

    private Result ssi(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new GuestCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    private Result start(String... more) {
        List<String> args = new ArrayList<>(List.of("start", "g1", "--kernel", kernel.toString(), "--guest-dir", guests.toString()));
        args.addAll(List.of(more));
        return ssi(args.toArray(String[]::new));
    }

    @Test
    void outOfRangeValuesNameTheirOption() {
        assertRefused(start("--nice", "25"), "Invalid value for option '--nice': a nice level is -20..19, not 25");
        assertRefused(start("--cpu-weight", "0"), "Invalid value for option '--cpu-weight': a CPU weight is 1..10000, not 0");
        assertRefused(start("--cpu-quota", "-1"), "Invalid value for option '--cpu-quota': a CPU quota is 0 (none)");
        assertRefused(start("--memory", "8"), "Invalid value for option '--memory': guest memory is 16..1048576 MiB, not 8");
        assertRefused(start("--cpus", "0"), "Invalid value for option '--cpus': a guest has 1..64 CPUs, not 0");
    }

    @Test
    void valuesThatDoNotParseNameTheirOption() {
        assertRefused(start("--nic", "bridge:br0"), "Invalid value for option '--nic': a network card is none, user or tap:IFNAME, not bridge:br0");
        assertRefused(start("--accel", "hvf"), "Invalid value for option '--accel': 'hvf' is not an accelerator (tcg or kvm)");
        assertRefused(start("--incoming", "10.0.0.2"), "Invalid value for option '--incoming': '10.0.0.2' is not HOST:PORT");
        assertRefused(ssi("migrate", "g1", "--to", "h2:http", "--guest-dir", guests.toString()),
                "Invalid value for option '--to': 'h2:http' is not HOST:PORT");
        assertRefused(start("--bogus"), "Unknown option: '--bogus'");
        assertRefused(ssi("start", "G_1", "--kernel", kernel.toString(), "--guest-dir", guests.toString()),
                "Invalid value for NAME: a guest name is 1-31 of a-z, 0-9 and '-'");
    }

    @Test
    void missingQemuIsNamed() throws IOException {
        Result result = start("--qemu", "/nonexistent/qemu-system-x86_64");

        assertEquals(1, result.exit, result.err);
        assertEquals("ssi: QEMU not found: /nonexistent/qemu-system-x86_64 is not an executable file", result.err.strip());
        assertNoGuestFiles();
    }

    @Test
    void aGuestThatIsNotHereIsNamed() {
        Result result = ssi("stop", "g9", "--guest-dir", guests.toString());
        assertEquals(1, result.exit);
        assertEquals("ssi: no guest 'g9' runs here (" + guests + ")", result.err.strip());

        Result status = ssi("status", "--guest-dir", guests.toString());
        assertEquals(0, status.exit, status.err);
        assertTrue(status.out.startsWith("guest ") && status.out.strip().lines().count() == 1, status.out);
    }

    private void assertRefused(Result result, String error) {
        assertEquals(2, result.exit, result.err);
        assertTrue(result.err.startsWith(error), "expected '" + error + "', got: " + result.err);
        assertNoGuestFiles();
    }

    private void assertNoGuestFiles() {
        if (Files.exists(guests)) {
            try (Stream<Path> files = Files.walk(guests)) {
                assertEquals(List.of(guests), files.toList(), "nothing was made");
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }
}
