package dev.ssi.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import dev.ssi.checkpoint.Criu;
import dev.ssi.checkpoint.DumpSpec;
import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.daemon.balance.Balance;
import dev.ssi.daemon.balance.BalanceConfig;
import dev.ssi.daemon.balance.BalanceMessages.Entry;
import dev.ssi.daemon.LoopbackNodes;
import dev.ssi.daemon.balance.BalanceMessages.Gossip;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.JobPipes;
import dev.ssi.daemon.job.JobSpec;
import dev.ssi.daemon.job.Owner;
import dev.ssi.daemon.job.RunningJob;
import dev.ssi.daemon.migration.MigrationException;
import dev.ssi.daemon.node.Node;
import dev.ssi.daemon.peer.PeerMessages.Abort;
import dev.ssi.daemon.peer.PeerMessages.Arrived;
import dev.ssi.daemon.peer.PeerMessages.Exit;
import dev.ssi.daemon.peer.PeerMessages.JobRef;
import dev.ssi.daemon.peer.PeerMessages.Move;
import dev.ssi.daemon.peer.PeerMessages.Offer;
import dev.ssi.daemon.peer.PeerMessages.Output;
import dev.ssi.daemon.peer.PeerMessages.OutputAck;
import dev.ssi.daemon.peer.PeerMessages.OutputEnd;
import dev.ssi.daemon.peer.PeerMessages.Signal;
import dev.ssi.daemon.peer.PeerProtocol;
import dev.ssi.pool.LocalPool;
import dev.ssi.pool.PoolDaemons;
import dev.ssi.pool.PoolNode;
import dev.ssi.pool.PoolSpec;
import dev.ssi.transport.CallType;
import dev.ssi.transport.MessageType;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.RefusedException;
import dev.ssi.transport.connection.PeerLimits;
import dev.ssi.transport.connection.TransportConfig;
import dev.ssi.transport.connection.TransportNode;
import dev.ssi.transport.trust.PoolAuthority;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A hostile member: a peer admitted with a real certificate of the pool's authority, but no
 * ssid, sends the forged messages of issue 13 to real nodes. Each is refused or dropped with a
 * logged reason naming it; the victim's job runs on and ends with the right output; the attacked
 * nodes still answer.
 */
@Timeout(120)
class HostileMemberTest extends LoopbackPoolTest {
    private static final Duration CALL = Duration.ofSeconds(10);
    private static final int FLOOD = 20_000;
    /** The flooding member lets itself have all its calls outstanding at once. */
    private static final TransportConfig FLOODER = TransportConfig.defaults(new InetSocketAddress("127.0.0.1", 0))
            .withLimits(new PeerLimits(8L << 20, Duration.ofSeconds(30), FLOOD, 16, 4L << 20));
    private static final List<String> LOGGERS = List.of("dev.ssi.daemon.peer.PeerRefusal",
            "dev.ssi.daemon.balance.PoolGossip", "dev.ssi.daemon.migration.MigrationTarget");

    private TransportNode evil;
    private final List<Logger> watched = new CopyOnWriteArrayList<>();
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final List<String> markers = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void admitAHostileMember() throws Exception {
        evil = pool.closing(TransportNode.start(pool.admit("evil"),
                TransportConfig.defaults(new InetSocketAddress("127.0.0.1", 0))));
        for (String name : LOGGERS) {
            Logger logger = Logger.getLogger(name);
            logger.addHandler(handler);
            watched.add(logger);
        }
    }

    @AfterEach
    void stopWatching() {
        watched.forEach(logger -> logger.removeHandler(handler));
    }

    /** A copy restored but never committed outlives its node (it waits for its source): killed here, pid 1 first. */
    @AfterEach
    void killWhatForgedImagesRun() {
        for (String marker : markers) {
            for (long pid : sleepers(marker)) {
                ProcessHandle.of(pid).flatMap(ProcessHandle::parent)
                        .filter(init -> init.info().command().orElse("").endsWith("ssi-init"))
                        .ifPresent(ProcessHandle::destroyForcibly);
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void forgedMessagesAboutAJobAreRefusedAndItRunsOnToItsRightEnd() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JobId job = home.home().submit(new JobSpec(List.of("sh", "-c", COUNTER.formatted(1500)), System.getenv(), state,
                022), Owner.ROOT, out);
        awaitLines(out, 20);
        home.host().migrate(job, h1.id());
        awaitWhere(job, h1);
        String id = job.value();

        // To h1, which holds the job: only its home, ws, moves, freezes, signals it or acknowledges its output.
        assertRefused(() -> call(h1, PeerProtocol.MOVE, Move.newBuilder().setJob(id).setDestination("evil").build()),
                "only its home, ws");
        assertRefused(() -> call(h1, PeerProtocol.MOVE, Move.newBuilder().setJob(id).setFreeze(true).build()),
                "only its home, ws");
        send(h1, PeerProtocol.SIGNAL, Signal.newBuilder().setJob(id).setSignal(9).build());
        awaitLogged("Signal for " + id + " from evil refused");
        send(h1, PeerProtocol.OUTPUT_ACK, OutputAck.newBuilder().setJob(id).setEpoch(1).setNextSeq(Long.MAX_VALUE)
                .setEndSeen(true).setExitSeen(true).build());
        awaitLogged("OutputAck for " + id + " from evil refused");
        // To ws, the source of the move: only the destination (or the home) asks what became of it.
        assertRefused(() -> call(home, PeerProtocol.FATE, JobRef.newBuilder().setJob(id).setEpoch(1).build()),
                "destination of its migration, h1");

        // To ws, the home: output, its end, exit and arrival only from the holder of their epoch.
        send(home, PeerProtocol.OUTPUT, Output.newBuilder().setJob(id).setEpoch(1).setSeq(0)
                .setData(ByteString.copyFromUtf8("forged\n")).build());
        awaitLogged("Output for " + id + " from evil refused: epoch 1 is held by h1");
        send(home, PeerProtocol.OUTPUT, Output.newBuilder().setJob(id).setEpoch(2).setSeq(0)
                .setData(ByteString.copyFromUtf8("forged\n")).build());
        awaitLogged("Output for " + id + " from evil refused: this home does not know evil to hold it in epoch 2");
        send(home, PeerProtocol.OUTPUT_END, OutputEnd.newBuilder().setJob(id).setEpoch(1).setChunks(0).build());
        awaitLogged("OutputEnd for " + id + " from evil refused");
        send(home, PeerProtocol.EXIT, Exit.newBuilder().setJob(id).setEpoch(1).setCode(7).build());
        awaitLogged("Exit for " + id + " from evil refused");
        send(home, PeerProtocol.ARRIVED, Arrived.newBuilder().setJob(id).setNode("evil").setEpoch(2).build());
        awaitLogged("Arrived for " + id + " from evil refused");

        // Offers: not for an id that runs here, not home unless from where home knows it runs, not under another home.
        assertRefused(() -> call(h1, PeerProtocol.OFFER, offer(id, "ws")), id + " already runs here");
        assertRefused(() -> call(home, PeerProtocol.OFFER, offer(id, "ws")), "it does not run on evil");
        assertRefused(() -> call(h1, PeerProtocol.OFFER, offer("ws/77", "evil")), "names evil as home, but its id names ws");
        assertRefused(() -> call(h1, PeerProtocol.OFFER, offer("evil/1", "evil").toBuilder().setImageBytes(1L << 50)
                .build()), "do not fit in the");

        // The steps after an offer: only from the source of an accepted one.
        assertRefused(() -> call(h1, PeerProtocol.RESTORE, JobRef.newBuilder().setJob(id).setEpoch(2).build()),
                "no accepted offer of it from evil");
        assertRefused(() -> call(h1, PeerProtocol.COMMIT, JobRef.newBuilder().setJob(id).setEpoch(2).build()),
                "no accepted offer of it from evil");

        assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
            home.home().homeJobs();
            h1.host().hosted();
        }, "the attacked nodes answer at once");
        assertEquals(h1.id(), home.home().homeJob(job).where(), "home still knows where the job runs");
        assertEquals(ExitStatus.exited(0), home.home().exitOf(job).get(60, TimeUnit.SECONDS));
        assertEquals(numbers(1500), out.toString(StandardCharsets.UTF_8), "same as a run nobody attacked");
    }

    /**
     * A real dump of a real job of root's, offered as nobody's: h1 takes the offer and the
     * images, but refuses to restore them; nothing of them runs, nothing of them is left, the
     * victim runs on. The same images offered as root's, whose they are, are restored.
     */
    @Test
    void anOfferWhoseImagesRunAsAnotherUserIsRefusedBeforeCriuSeesThem() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JobId victim = home.home().submit(new JobSpec(List.of("sh", "-c", COUNTER.formatted(1500)), System.getenv(),
                state, 022), Owner.ROOT, out);
        awaitLines(out, 20);
        home.host().migrate(victim, h1.id());
        awaitWhere(victim, h1);
        Owner nobody = Owner.account("nobody").orElseThrow();
        String marker = marker();
        Forged forged = dumpOf(Owner.ROOT, marker);

        offerAndStream("evil/1", "nobody", forged);
        assertRefused(() -> call(h1, PeerProtocol.RESTORE, JobRef.newBuilder().setJob("evil/1").setEpoch(1).build()),
                "task 2 runs as uid 0, the job's owner is nobody (" + nobody.uid() + ")");
        awaitLogged("Images for evil/1 from evil refused: task 2 runs as uid 0");
        assertEquals(List.of(), sleepers(marker), "nothing of the images runs");
        assertTrue(!h1.host().runs(new JobId("evil/1")));
        assertEquals(List.of(), incoming(h1), "the images are gone");
        assertRefused(() -> call(h1, PeerProtocol.COMMIT, JobRef.newBuilder().setJob("evil/1").setEpoch(1).build()),
                "no accepted offer of it from evil");

        offerAndStream("evil/2", "root", forged);
        call(h1, PeerProtocol.RESTORE, JobRef.newBuilder().setJob("evil/2").setEpoch(1).build());
        assertEquals(1, sleepers(marker).size(), "the same images as their owner's are restored");
        call(h1, PeerProtocol.ABORT, Abort.newBuilder().setJob("evil/2").setEpoch(1).setReason("done").build());
        awaitNoSleepers(marker);

        assertEquals(ExitStatus.exited(0), home.home().exitOf(victim).get(60, TimeUnit.SECONDS));
        assertEquals(numbers(1500), out.toString(StandardCharsets.UTF_8), "same as a run nobody attacked");
    }

    /**
     * The same where CRIU can dump a user's job (root holds CAP_SYS_RESOURCE): one real user's
     * job, offered as another's, is refused.
     */
    @Test
    void anOfferOfOneUsersJobAsAnothersIsRefused() throws Exception {
        assumeTrue(rootHasCapSysResource(), "root lacks CAP_SYS_RESOURCE here: CRIU cannot dump another user's job");
        try (TestUsers users = new TestUsers()) {
            Owner alice = Owner.account(users.create("")).orElseThrow();
            Owner bob = Owner.account(users.create("")).orElseThrow();
            String marker = marker();
            Forged forged = dumpOf(alice, marker);

            offerAndStream("evil/3", bob.name(), forged);
            assertRefused(() -> call(h1, PeerProtocol.RESTORE, JobRef.newBuilder().setJob("evil/3").setEpoch(1)
                    .build()), "task 2 runs as uid " + alice.uid() + ", the job's owner is " + bob.name());
            assertEquals(List.of(), sleepers(marker), "nothing of the images runs");
            assertEquals(List.of(), incoming(h1), "the images are gone");
        }
    }

    @Test
    void gossipNeverRepointsAKnownNodeAndAFloodFillsOnlyABoundedBook() throws Exception {
        pool.closing(Balance.start(home, config(home), Map.of("h1", h1.address())));
        InetSocketAddress h1Address = h1.address();

        send(home, Balance.GOSSIP, Gossip.newBuilder().setFrom("evil").addEntries(entry("h1", "127.0.0.1:1")).build());
        awaitLogged("gossip from evil gave other addresses for [h1]: ignored");
        for (int message = 0; message < 100; message++) {
            Gossip.Builder flood = Gossip.newBuilder().setFrom("evil");
            for (int i = 0; i < 1000; i++) {
                int n = message * 1000 + i;
                flood.addEntries(entry("n" + n, "127.0.0.2:" + (1 + n % 60_000)));
            }
            send(home, Balance.GOSSIP, flood.build());
        }
        send(home, Balance.GOSSIP, Gossip.newBuilder().setFrom("evil").addEntries(entry("h1", "127.0.0.1:2")).build());
        awaitLogged("gossip from evil gave other addresses for [h1]");

        assertEquals(Optional.of(h1Address), home.directory().addressOf(h1.id()), "h1 is where it always was");
        int known = home.directory().nodes().size();
        assertTrue(known <= 2 + 256, "100,000 entries taught " + known + " nodes, beyond gossip.max-known");
        assertTimeoutPreemptively(Duration.ofSeconds(1), () -> home.home().homeJobs(), "ws answers at once");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JobId job = home.home().submit(new JobSpec(List.of("sh", "-c", COUNTER.formatted(300)), System.getenv(), state,
                022), Owner.ROOT, out);
        awaitLines(out, 10);
        home.host().migrate(job, h1.id());
        assertEquals(ExitStatus.exited(0), home.home().exitOf(job).get(60, TimeUnit.SECONDS));
        assertEquals(numbers(300), out.toString(StandardCharsets.UTF_8), "ws still reaches h1 where it is");
    }

    /**
     * The last two attacks of issue 13, on a real ssid with its own JVM and heap cap: a member
     * floods it with calls, another sends calls and never reads a byte of the answers. The flood
     * beyond the member's share is refused at once, the peer that never reads is closed with its
     * reason logged; meanwhile {@code ssi ps} answers within a second each time, the heap stays
     * under its cap, and a job whose output comes home from h1 ends as it would have.
     */
    @Test
    @Timeout(300)
    void aCallFloodAndAPeerThatNeverReadsCostARealSsidOnlyTheirOwnConnections() throws Exception {
        int lines = 4000;
        try (SystemPool real = SystemPool.up(state.resolve("real-pool"), new PoolSpec(1, 1, Optional.empty()),
                Map.of("balance.enabled", "false"))) {
            Process run = real.ssiRun(state, List.of("sh", "-c", COUNTER.formatted(lines)));
            try {
                ProcessOutput out = ProcessOutput.of(run.getInputStream());
                out.awaitLines(20);
                assertEquals("h1", real.migrate(real.awaitJob(), "h1").path("where").asText(), "output comes from h1");
                floodAndNeverReadWhileWatching(real, PoolDaemons.node(real.local(), LocalPool.WORKSTATION));
                assertEquals(0, run.waitFor(), "the victim's ssi-run");
                assertEquals(numbers(lines), new String(out.all(), StandardCharsets.UTF_8), "as if nobody attacked");
            } finally {
                run.destroyForcibly();
            }
        }
    }

    /** Both attacks at once on {@code ws}, its {@code ssi ps} and heap watched until both are over. */
    private static void floodAndNeverReadWhileWatching(SystemPool real, PoolNode ws) throws Exception {
        PoolAuthority authority = PoolAuthority.load(real.local().workstationDir().resolve("ca"));
        try (DaemonHeap heap = DaemonHeap.of(PoolDaemons.running(ws).orElseThrow().pid());
             TransportNode flooder = TransportNode.start(authority.admit(NodeId.of("flooder"), Duration.ofDays(1)),
                     FLOODER);
             NeverReadingPeer sloth = NeverReadingPeer.connect(authority.admit(NodeId.of("sloth"), Duration.ofDays(1)),
                     ws.address())) {
            psMillis(ws); // this JVM's first ssi loads its classes
            CompletableFuture<List<Throwable>> flood = CompletableFuture.supplyAsync(() -> fates(flooder, ws));
            CompletableFuture<Long> unread = CompletableFuture.supplyAsync(() -> sloth.callUntilClosed(
                    PeerProtocol.FATE.name(), fateOf("ws/999").toByteArray(), Duration.ofSeconds(120)));
            long slowestPs = 0;
            long mostHeap = 0;
            int asked = 0;
            while (!(flood.isDone() && unread.isDone())) {
                slowestPs = Math.max(slowestPs, psMillis(ws));
                mostHeap = Math.max(mostHeap, heap.now().getUsed());
                asked++;
                Thread.sleep(200);
            }

            List<Throwable> outcomes = flood.get();
            assertTrue(outcomes.stream().allMatch(o -> o == null || o instanceof RefusedException),
                    "every call of the flood was answered or refused, none waited for its timeout: "
                            + outcomes.stream().filter(o -> o != null && !(o instanceof RefusedException)).limit(3)
                            .toList());
            long busy = outcomes.stream().filter(o -> o != null && o.getMessage().startsWith("busy: flooder has 16"))
                    .count();
            assertTrue(busy > 0, "the calls beyond the member's share are refused as such");
            long requests = unread.get();
            assertTrue(!sloth.isOpen(), "ws closed the connection that never reads, after " + requests + " calls");
            String log = Files.readString(ws.log());
            assertTrue(log.contains("refusing calls from flooder"), "the flood is logged");
            assertTrue(log.lines().anyMatch(line -> line.contains("closing connection with")
                    && line.contains("peer sloth is not reading")), "the reason for closing is logged");

            long cap = heap.now().getMax();
            long afterwards = heap.usedAfterCollecting();
            System.out.printf("%d ssi ps during the attacks, the slowest %d ms; ws's heap at most %d bytes of %d,"
                    + " %d once collected; %d calls unread before ws closed that connection; %d of the flood's %d"
                    + " refused as busy%n", asked, slowestPs, mostHeap, cap, afterwards, requests, busy, FLOOD);
            assertTrue(slowestPs < 1000, "ssi ps answered within a second each time: slowest " + slowestPs + " ms");
            assertTrue(mostHeap < cap && afterwards < cap / 2, "ws's heap stayed under its cap of " + cap
                    + ": at most " + mostHeap + ", " + afterwards + " once collected");
            assertTrue(PoolDaemons.running(ws).isPresent() && !log.contains("OutOfMemoryError"), "ws runs on");
        }
    }

    /** How long {@code ssi ps} took against {@code node}'s control socket; it must succeed. */
    private static long psMillis(PoolNode node) {
        long start = System.nanoTime();
        SsiInThisJvm.Run ps = SsiInThisJvm.ssi("ps", "--socket", node.socket().toString());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(0, ps.status(), ps.err());
        return millis;
    }

    /** {@link #FLOOD} FATE calls at once from {@code flooder}; how each failed (null for an answer). */
    private static List<Throwable> fates(TransportNode flooder, PoolNode to) {
        NodeId node = NodeId.of(to.name());
        List<CompletableFuture<Throwable>> outcomes = new ArrayList<>();
        for (int i = 0; i < FLOOD; i++) {
            outcomes.add(flooder.call(node, to.address(), PeerProtocol.FATE, fateOf("ws/999"), CALL)
                    .handle((answer, failure) -> failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure));
        }
        return outcomes.stream().map(CompletableFuture::join).toList();
    }

    private static JobRef fateOf(String job) {
        return JobRef.newBuilder().setJob(job).setEpoch(1).build();
    }

    @Test
    void anOfferWhoseImagesNeverComeHoldsItsPlaceOnlyUntilTheOfferTimeout() throws Exception {
        h1.host().changeHostPolicy(Map.of("guests.max", "1", "guests.offer-timeout", "2s"));
        call(h1, PeerProtocol.OFFER, offer("evil/1", "evil").toBuilder()
                .setCpuinfo(ByteString.copyFrom(Criu.locate().fingerprint().cpuinfoImage())).build());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JobId job = home.home().submit(new JobSpec(List.of("sh", "-c", COUNTER.formatted(1500)), System.getenv(), state,
                022), Owner.ROOT, out);
        awaitLines(out, 20);
        MigrationException full = assertThrows(MigrationException.class, () -> home.host().migrate(job, h1.id()));
        assertTrue(full.getMessage().contains("h1 is full"), full.getMessage());

        awaitLogged("discarding the copy of evil/1 from evil: nothing came from evil for 2s (guests.offer-timeout)");
        assertRefused(() -> call(h1, PeerProtocol.RESTORE, JobRef.newBuilder().setJob("evil/1").setEpoch(2).build()),
                "no accepted offer of it from evil");
        home.host().migrate(job, h1.id());
        assertEquals(h1.id(), home.home().homeJob(job).where(), "the place the offer held is free again");
        assertEquals(ExitStatus.exited(0), home.home().exitOf(job).get(60, TimeUnit.SECONDS));
        assertEquals(numbers(1500), out.toString(StandardCharsets.UTF_8), "same as a run nobody attacked");
    }

    private static BalanceConfig config(Node node) {
        Properties p = new Properties();
        p.setProperty("gossip.interval", "100ms");
        p.setProperty("balance.enabled", "false");
        return BalanceConfig.read(p, node.address());
    }

    private static Entry entry(String node, String address) {
        return Entry.newBuilder().setNode(node).setAddress(address).setCpus(4).setCpuSpeed(1)
                .setTotalMemoryBytes(1L << 30).setFreeMemoryBytes(1L << 29).build();
    }

    /** A number of seconds to sleep no other process sleeps, so that the processes of the images are known by it. */
    private String marker() {
        String marker = Long.toString(900_000 + new java.util.Random().nextInt(90_000));
        markers.add(marker);
        return marker;
    }

    /** A real job's images (a sleep of {@code marker} seconds, as {@code owner}), and how CRIU names its pipes. */
    private record Forged(Path images, JobPipes pipes) {}

    private Forged dumpOf(Owner owner, String marker) throws Exception {
        Path dir = Files.createTempDirectory(state, "forged");
        RunningJob job = RunningJob.launch(LoopbackNodes.BIN.resolve("ssi-init"), new JobSpec(List.of("sleep", marker),
                Map.of(), Path.of("/"), 022), owner);
        try {
            Criu.locate().dump(DumpSpec.of(job.root(), dir.resolve("images"), dir.resolve("work")));
        } finally {
            job.kill();
        }
        awaitNoSleepers(marker);
        return new Forged(dir.resolve("images"), job.pipes());
    }

    /** Offers {@code job}, as {@code user}'s, to h1 from evil, and streams it the images. */
    private void offerAndStream(String job, String user, Forged forged) throws Exception {
        call(h1, PeerProtocol.OFFER, Offer.newBuilder().setJob(job).setHome("evil").addArgv("sleep")
                .setStdinKey(forged.pipes().stdin()).setStdoutKey(forged.pipes().stdout())
                .setStatusKey(forged.pipes().status()).setUser(user).setImageBytes(1 << 20)
                .setCpuinfo(ByteString.copyFrom(Criu.locate().fingerprint().cpuinfoImage())).build());
        evil.connect(h1.id(), h1.address()).get(10, TimeUnit.SECONDS).sendDirectory(forged.images(), job).completion()
                .get(30, TimeUnit.SECONDS);
    }

    /** The processes running {@code sleep marker}. */
    private static List<Long> sleepers(String marker) {
        return ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(a -> a.length == 1 && a[0].equals(marker))
                .orElse(false) && p.info().command().orElse("").endsWith("sleep")).map(ProcessHandle::pid).toList();
    }

    private static void awaitNoSleepers(String marker) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!sleepers(marker).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "sleep " + marker + " still runs: " + sleepers(marker));
            Thread.sleep(10);
        }
    }

    private List<Path> incoming(Node node) throws Exception {
        try (var copies = Files.list(state.resolve(node.id().value()).resolve("incoming"))) {
            return copies.toList();
        }
    }

    private static boolean rootHasCapSysResource() throws Exception {
        String effective = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow().substring("CapEff:".length()).strip();
        return (Long.parseLong(effective, 16) & (1L << 24)) != 0;
    }

    private static Offer offer(String job, String home) {
        return Offer.newBuilder().setJob(job).setHome(home).setEpoch(1).addArgv("sh").setUser("root").build();
    }

    private <Q, R> R call(Node to, CallType<Q, R> type, Q request) throws Exception {
        return evil.call(to.id(), to.address(), type, request, CALL).get(CALL.toSeconds(), TimeUnit.SECONDS);
    }

    private <T> void send(Node to, MessageType<T> type, T message) throws Exception {
        evil.connect(to.id(), to.address()).thenCompose(peer -> peer.send(type, message)).get(10, TimeUnit.SECONDS);
    }

    private void assertRefused(ThrowingCall call, String reason) {
        ExecutionException e = assertThrows(ExecutionException.class, call::run);
        assertInstanceOf(RefusedException.class, e.getCause(), String.valueOf(e.getCause()));
        assertTrue(e.getCause().getMessage().contains(reason), e.getCause().getMessage());
        assertTrue(e.getCause().getMessage().contains("from evil"), e.getCause().getMessage());
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws Exception;
    }

    private void awaitLogged(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (logged.stream().noneMatch(line -> line.contains(text))) {
            assertTrue(System.nanoTime() < deadline, "never logged '" + text + "'; logged: " + logged);
            Thread.sleep(5);
        }
    }

    private void awaitWhere(JobId job, Node node) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!home.home().homeJob(job).where().equals(node.id())) {
            assertTrue(System.nanoTime() < deadline, "home never learnt the job is on " + node.id());
            Thread.sleep(5);
        }
    }
}
