package dev.ssi.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssi.daemon.LoopbackNodes;
import dev.ssi.daemon.control.ControlFrame;
import dev.ssi.daemon.control.ControlFrame.Payload;
import dev.ssi.daemon.control.ControlFrame.Type;
import dev.ssi.daemon.control.ControlServer;
import dev.ssi.daemon.home.HomeJob;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.JobSpec;
import dev.ssi.daemon.job.Owner;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real unprivileged users, made for the test, submit jobs with the real ssi-run and speak to
 * the real control socket as themselves: each job runs as its user wherever it runs, neither
 * user can touch the other's jobs or the node's admin commands, and the node's state is theirs
 * to read nowhere.
 */
@Timeout(180)
class LocalUsersTest extends LoopbackPoolTest {
    /** Reads ids the job prints, waiting for a flag file between them, so the test can move it in between. */
    private static final String IDS_AT_EACH_FLAG = "id -u; id -G; for f in \"$@\"; do "
            + "until [ -e \"$f\" ]; do sleep 0.02; done; id -u; id -G; done";
    /** Relays one control request from stdin to the socket and the answer to stdout, as whoever runs it. */
    private static final String RELAY = "import socket,sys\n"
            + "s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(sys.stdin.buffer.read())\n"
            + "while True:\n    b=s.recv(65536)\n    if not b: break\n    sys.stdout.buffer.write(b)\n";

    private static final int CAP_SYS_RESOURCE = 24;
    private static final TestUsers USERS = new TestUsers();
    private static String alice;
    private static String bob;

    /** World-searchable, so that the users reach the socket and the flags in it. */
    @TempDir
    Path shared;

    private Path socket;

    @BeforeAll
    static void createUsers() throws Exception {
        alice = USERS.create("users");
        bob = USERS.create("");
    }

    @AfterAll
    static void removeUsers() throws Exception {
        USERS.close();
    }

    @BeforeEach
    void serveControlSocketToEveryone() throws Exception {
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwx--x--x"));
        socket = shared.resolve("ssid.sock");
        pool.closing(ControlServer.start(socket, home));
    }

    @Test
    void eachUsersJobRunsAsThemAtHome() throws Exception {
        for (String user : List.of(alice, bob)) {
            Process run = ssiRun(user, "sh", "-c", "id -u; id -G");
            String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, run.waitFor());
            assertEquals(TestUsers.output(user, List.of("sh", "-c", "id -u; id -G")), out, user);
        }
    }

    /**
     * CRIU reads a task's rlimits with prlimit(2), which for another user's task takes
     * CAP_SYS_RESOURCE: where root lacks it (some containers), no user's job can be dumped.
     */
    @Test
    void eachUsersJobRunsAsThemAfterAMoveToAHostAndBack() throws Exception {
        assumeTrue(rootHasCapSysResource(), "root lacks CAP_SYS_RESOURCE here: CRIU cannot dump another user's job");
        for (String user : List.of(alice, bob)) {
            String ids = TestUsers.output(user, List.of("sh", "-c", "id -u; id -G"));
            Path onHost = shared.resolve(user + ".on-host");
            Path backHome = shared.resolve(user + ".back-home");
            Process run = ssiRun(user, "sh", "-c", IDS_AT_EACH_FLAG, "ids", onHost.toString(), backHome.toString());
            BufferedReader out = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8));
            assertEquals(ids, lines(out, 2), user + " at home");
            JobId job = jobOf(user);
            home.home().move(job, h1.id());
            assertTrue(h1.host().runs(job));
            Files.createFile(onHost);
            assertEquals(ids, lines(out, 2), user + " on h1");
            home.home().move(job, home.id());
            Files.createFile(backHome);
            assertEquals(ids, lines(out, 2), user + " back home");
            assertEquals(0, run.waitFor());
        }
    }

    @Test
    void aUserSeesOnlyTheirOwnJobsAndCannotTouchAnothersNorTheNodesAdminCommands() throws Exception {
        Process alices = ssiRun(alice, "sleep", "600");
        Process bobs = ssiRun(bob, "sleep", "600");
        JobId alicesJob = jobOf(alice);
        JobId bobsJob = jobOf(bob);

        JsonNode seenByAlice = new ObjectMapper().readTree(answer(alice, Type.PS, new Payload()));
        assertEquals(1, seenByAlice.size(), seenByAlice.toString());
        assertEquals(alicesJob.value(), seenByAlice.get(0).path("job").asText());
        assertEquals(alice, seenByAlice.get(0).path("user").asText());

        assertRefused("kill refused", bobsJob, alice, Type.KILL, new Payload().string(bobsJob.value()));
        assertRefused("migrate refused", bobsJob, alice, Type.MIGRATE,
                new Payload().string(bobsJob.value()).string(home.id().value()));
        assertRefused("freeze refused", bobsJob, alice, Type.FREEZE, new Payload().string(bobsJob.value()));
        assertRefused("thaw refused", bobsJob, alice, Type.THAW, new Payload().string(bobsJob.value()));
        assertRefused("attach refused", bobsJob, alice, Type.ATTACH, new Payload().string(bobsJob.value()).u64(0));
        assertRefused("drain refused", bobsJob, alice, Type.DRAIN, new Payload().u32(1));
        assertRefused("host set refused", bobsJob, alice, Type.HOST,
                new Payload().u32(1).string("guests.accepting").string("false"));
        assertTrue(home.host().runs(bobsJob), "bob's job runs on where it was");
        assertTrue(bobs.isAlive());

        // Their own jobs are theirs to act on.
        assertTrue(answer(alice, Type.KILL, new Payload().string(alicesJob.value())).contains("\"killed\":true"));
        assertEquals(128 + 9, alices.waitFor());
        assertTrue(answer(bob, Type.KILL, new Payload().string(bobsJob.value())).contains("\"killed\":true"));
        bobs.waitFor();
    }

    /** A job moved to h1 and frozen back home leaves images in h1's outgoing/ and the home's frozen/. */
    @Test
    void noUserCanReadTheImagesSpoolsOrJournalOfAnyNode() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        JobId job = home.home().submit(new JobSpec(List.of("sh", "-c", COUNTER.formatted(1_000_000)), System.getenv(),
                state, 022), Owner.ROOT, output);
        awaitLines(output, 10);
        home.home().move(job, h1.id());
        home.home().freeze(job);
        assertTrue(home.home().isFrozen(job));
        // Only the state directories' own modes stand between the users and their contents.
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Path node : List.of(state.resolve("ws"), state.resolve("h1"))) {
            for (String dir : List.of("outgoing", "incoming", "frozen", "spool", "journal")) {
                Path owned = node.resolve(dir);
                if (Files.exists(owned)) {
                    assertOwnerOnly(owned);
                    for (String user : List.of(alice, bob)) {
                        assertEquals("", TestUsers.output(user, List.of("sh", "-c", "find \"$1\" -readable 2>/dev/null; true",
                                "find", owned.toString())),
                                user + " reads nothing in " + owned);
                    }
                }
            }
        }
        // Back as it was: the job's working directory, which CRIU checks on restore.
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
        home.home().thaw(job);
        home.home().signal(job, 9);
        assertEquals(9, home.home().exitOf(job).get(30, TimeUnit.SECONDS).signal());
    }

    private static boolean rootHasCapSysResource() throws Exception {
        String effective = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow().substring("CapEff:".length()).strip();
        return (Long.parseLong(effective, 16) & (1L << CAP_SYS_RESOURCE)) != 0;
    }

    /** Every directory under {@code dir} is 0700 and every file in it 0600 at most. */
    private static void assertOwnerOnly(Path dir) throws Exception {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                var modes = Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                boolean others = modes.stream().anyMatch(m -> m.name().startsWith("GROUP") || m.name().startsWith("OTHERS"));
                assertTrue(!others, p + " is " + PosixFilePermissions.toString(modes));
                if (Files.isDirectory(p)) {
                    assertTrue(modes.contains(PosixFilePermission.OWNER_EXECUTE), p + " is a usable directory");
                }
            }
        }
    }

    private void assertRefused(String what, JobId victim, String user, Type type, Payload request) throws Exception {
        String error = error(user, type, request);
        assertTrue(error.startsWith(what), error);
        if (type != Type.DRAIN && type != Type.HOST) {
            assertTrue(error.contains(victim.value()) && error.contains(user), error);
        }
    }

    /** ssi-run as {@code user}, from /, against the workstation's socket. */
    private Process ssiRun(String user, String... command) throws Exception {
        List<String> argv = new ArrayList<>(List.of(LoopbackNodes.BIN.resolve("ssi-run").toAbsolutePath().toString(),
                "--socket", socket.toString()));
        argv.addAll(List.of(command));
        return new ProcessBuilder(TestUsers.as(user, argv)).directory(new File("/")).start();
    }

    /** {@code user}'s one job, once it runs at home. */
    private JobId jobOf(String user) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            for (HomeJob j : home.home().homeJobs()) {
                if (j.user().equals(user) && home.host().runs(j.id())) {
                    return j.id();
                }
            }
            assertTrue(System.nanoTime() < deadline, user + "'s job never started");
            Thread.sleep(10);
        }
    }

    private static String lines(BufferedReader out, int n) throws Exception {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(out.readLine()).append('\n');
        }
        return s.toString();
    }

    /** The REPLY to {@code request}, sent by {@code user} over the control socket. */
    private String answer(String user, Type type, Payload request) throws Exception {
        ControlFrame reply = ask(user, type, request);
        String body = reply.reader().string();
        assertEquals(Type.REPLY, reply.type(), body);
        return body;
    }

    /** The ERROR that answers {@code request}, sent by {@code user} over the control socket. */
    private String error(String user, Type type, Payload request) throws Exception {
        ControlFrame reply = ask(user, type, request);
        String body = reply.reader().string();
        assertEquals(Type.ERROR, reply.type(), body);
        return body;
    }

    private ControlFrame ask(String user, Type type, Payload request) throws Exception {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(frame);
        ControlFrame.of(type, request).writeTo(out);
        out.flush();
        Process relay = new ProcessBuilder(TestUsers.as(user, List.of("python3", "-c", RELAY, socket.toString())))
                .directory(new File("/")).start();
        try (var stdin = relay.getOutputStream()) {
            stdin.write(frame.toByteArray());
        }
        byte[] answer = relay.getInputStream().readAllBytes();
        assertEquals(0, relay.waitFor(), new String(relay.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        return ControlFrame.read(new DataInputStream(new ByteArrayInputStream(answer)));
    }
}
