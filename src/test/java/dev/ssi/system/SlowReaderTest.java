package dev.ssi.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.daemon.LoopbackNodes;
import dev.ssi.daemon.control.ControlFrame;
import dev.ssi.daemon.control.ControlFrame.Payload;
import dev.ssi.daemon.control.ControlFrame.Type;
import dev.ssi.daemon.home.SpoolLimit;
import dev.ssi.daemon.job.JobHere;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.node.Node;
import dev.ssi.system.SsiInThisJvm.Run;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SECURITY.md claim 32: an ssi-run whose standard output nobody reads holds up its own job and
 * nothing else. Its job, writing far more than home spools for it, is paused in its write; ps,
 * another job's output and moves go on; the stuck job itself moves, is frozen and thawed, and
 * each command answers; once the reader reads, every byte of its three epochs arrives, in order.
 */
@Timeout(300)
class SlowReaderTest extends LoopbackPoolTest {
    private static final long SPOOL = 4L << 20;
    /** 47 MB of numbered lines: far more than home's spool, a host's window and a pipe hold together. */
    private static final List<String> BIG = List.of("bash", "-c", "seq 1 6000000");
    private static final int WRITE = 1;

    private Path socket;
    private final List<Process> clients = new ArrayList<>();

    @Override
    SpoolLimit homeSpoolLimit() {
        return new SpoolLimit(SPOOL);
    }

    @BeforeEach
    void serveControlSocket() throws Exception {
        socket = serveControl();
    }

    @AfterEach
    void stopClients() {
        clients.forEach(Process::destroyForcibly);
    }

    @Test
    void aReaderThatReadsNothingHoldsUpOnlyItsOwnJob() throws Exception {
        assertEquals(0, ssi("ps").status(), "ps, once before, so that its timing below is ssid's, not a cold CLI's");
        Process stuck = ssiRun(BIG);
        JobId job = awaitJob();
        Path spool = state.resolve("ws/spool/home/" + job.value().replace('/', '-'));
        awaitPausedInWrite(home, job);
        assertTrue(Files.size(spool) <= SPOOL, "home spools " + Files.size(spool) + " bytes, at most " + SPOOL);

        long asked = System.nanoTime();
        Run ps = ssi("ps", "--json");
        long psMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
        assertEquals(0, ps.status(), ps.err());
        assertTrue(psMillis < 1000, "ps took " + psMillis + " ms");
        assertEquals("ws", row(ps, job).path("where").asText());

        Process other = ssiRun(List.of("sh", "-c", COUNTER.formatted(400)));
        BufferedReader otherOut = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            seen.append(otherOut.readLine()).append('\n');
        }
        JobId otherJob = home.home().homeJobs().stream().map(j -> j.id()).filter(id -> !id.equals(job)).findFirst()
                .orElseThrow();
        Run otherMoved = ssi("migrate", otherJob.value(), "h1");
        assertEquals(0, otherMoved.status(), otherMoved.err());
        for (String line; (line = otherOut.readLine()) != null; ) {
            seen.append(line).append('\n');
        }
        assertEquals(0, other.waitFor());
        assertEquals(numbers(400), seen.toString(), "the other job's output flowed, and moved, whole");

        long migrateMillis = answered("migrate", job.value(), "h1");
        assertEquals("h1", row(ssi("ps", "--json"), job).path("where").asText());
        assertTrue(h1.host().runs(job));
        awaitPausedInWrite(h1, job);
        long freezeMillis = answered("freeze", job.value());
        assertEquals("frozen", row(ssi("ps", "--json"), job).path("state").asText());
        long thawMillis = answered("thaw", job.value());
        assertTrue(home.host().runs(job));
        awaitPausedInWrite(home, job);
        assertTrue(Files.size(spool) <= SPOOL, "home spools " + Files.size(spool) + " bytes, at most " + SPOOL);

        String direct = digest(new ProcessBuilder(BIG).start().getInputStream());
        long reading = System.nanoTime();
        String readAtLast = CompletableFuture.supplyAsync(() -> digest(stuck.getInputStream()))
                .get(120, TimeUnit.SECONDS);
        long readMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - reading);
        assertEquals(direct, readAtLast, "the output, read at last, is the command's, byte for byte");
        assertEquals(0, stuck.waitFor());
        System.out.printf("a job paused by its reader: ps %d ms; migrate %d ms, freeze %d ms, thaw %d ms; then %s"
                + " read in %d ms%n", psMillis, migrateMillis, freezeMillis, thawMillis, readAtLast, readMillis);
    }

    @Test
    void anAttachedClientThatBreaksTheProtocolIsHungUpOnAndOnlyIt() throws Exception {
        Process other = ssiRun(List.of("sh", "-c", COUNTER.formatted(100)));
        try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            DataOutputStream out = new DataOutputStream(Channels.newOutputStream(client));
            DataInputStream in = new DataInputStream(Channels.newInputStream(client));
            ControlFrame.of(Type.SUBMIT, new Payload().strings(List.of("sleep", "300")).strings(List.of())
                    .string(state.toString()).u32(022)).writeTo(out);
            ControlFrame started = ControlFrame.read(in);
            assertEquals(Type.STARTED, started.type());
            JobId job = new JobId(started.reader().string());

            ControlFrame.of(Type.PS, new Payload()).writeTo(out);

            assertEquals(null, ControlFrame.read(in), "the connection is closed");
            assertEquals(ExitStatus.killedBy(1), home.home().exitOf(job).get(30, TimeUnit.SECONDS),
                    "the job was hung up on");
        }
        assertEquals(numbers(100), new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(0, other.waitFor());
        assertEquals(0, ssi("ps").status());
    }

    private Process ssiRun(List<String> command) throws Exception {
        List<String> argv = new ArrayList<>(List.of(LoopbackNodes.BIN.resolve("ssi-run").toString(), "--socket",
                socket.toString()));
        argv.addAll(command);
        Process p = new ProcessBuilder(argv).directory(state.toFile()).start();
        clients.add(p);
        return p;
    }

    private Run ssi(String... args) {
        List<String> argv = new ArrayList<>(List.of(args));
        argv.addAll(List.of("--socket", socket.toString()));
        return SsiInThisJvm.ssi(argv.toArray(String[]::new));
    }

    /** {@code ssi ARGS...}, which must answer, and succeed, within a minute; how long it took. */
    private long answered(String... args) throws Exception {
        long asked = System.nanoTime();
        Run run = CompletableFuture.supplyAsync(() -> ssi(args)).get(60, TimeUnit.SECONDS);
        assertEquals(0, run.status(), String.join(" ", args) + ": " + run.err());
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
    }

    private JobId awaitJob() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (home.home().homeJobs().isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the job never started");
            Thread.sleep(10);
        }
        return home.home().homeJobs().get(0).id();
    }

    private static JsonNode row(Run ps, JobId job) throws Exception {
        for (JsonNode row : new ObjectMapper().readTree(ps.out())) {
            if (row.path("job").asText().equals(job.value())) {
                return row;
            }
        }
        throw new AssertionError(job + " is not in " + ps.out());
    }

    /**
     * Waits until the job's tree on {@code node} is asleep, its writer in write(2), and uses no
     * CPU for a second: paused by its full pipe, not spinning and not growing anything.
     */
    private static void awaitPausedInWrite(Node node, JobId job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < deadline) {
            int root = node.host().hosted().stream().filter(j -> j.job().equals(job)).mapToInt(JobHere::root)
                    .findFirst().orElse(0);
            List<Long> tree = root == 0 ? List.of() : ProcessHandle.of(root).map(p -> p.descendants()
                    .map(ProcessHandle::pid).toList()).orElse(List.of());
            if (!tree.isEmpty()) {
                long cpu = cpuTicks(tree);
                Thread.sleep(1000);
                boolean asleep = tree.stream().allMatch(pid -> state(pid) == 'S');
                boolean writing = tree.stream().anyMatch(pid -> syscall(pid) == WRITE);
                long cpuAfter = cpuTicks(tree);
                last = "asleep " + asleep + ", in write " + writing + ", CPU ticks " + cpu + " then " + cpuAfter;
                if (asleep && writing && cpu == cpuAfter) {
                    return;
                }
            } else {
                Thread.sleep(100);
            }
        }
        throw new AssertionError(job + " on " + node.id() + " is not paused in its write: " + last);
    }

    private static String stat(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2);
        } catch (Exception e) {
            return "";
        }
    }

    private static char state(long pid) {
        String stat = stat(pid);
        return stat.isEmpty() ? '?' : stat.charAt(0);
    }

    /** utime + stime of the processes; fields 14 and 15 of stat, 12 and 13 after the command. */
    private static long cpuTicks(List<Long> pids) {
        long ticks = 0;
        for (long pid : pids) {
            String[] f = stat(pid).split(" ");
            if (f.length > 12) {
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            }
        }
        return ticks;
    }

    private static int syscall(long pid) {
        try {
            return Integer.parseInt(Files.readString(Path.of("/proc/" + pid + "/syscall")).split(" ")[0].strip());
        } catch (Exception e) {
            return -1;
        }
    }

    private static String digest(InputStream in) {
        try (in) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
                total += n;
            }
            return total + " bytes, sha256 " + HexFormat.of().formatHex(sha.digest());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
