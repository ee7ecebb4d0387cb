package dev.ssi.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.ssi.checkpoint.Criu;
import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.daemon.balance.Balance;
import dev.ssi.daemon.balance.BalanceConfig;
import dev.ssi.daemon.balance.BalanceMessages.Entry;
import dev.ssi.daemon.balance.BalanceMessages.Gossip;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.JobSpec;
import dev.ssi.daemon.job.Owner;
import dev.ssi.daemon.migration.MigrationException;
import dev.ssi.daemon.node.Node;
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
import dev.ssi.transport.CallType;
import dev.ssi.transport.MessageType;
import dev.ssi.transport.RefusedException;
import dev.ssi.transport.connection.TransportConfig;
import dev.ssi.transport.connection.TransportNode;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
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
    private static final List<String> LOGGERS = List.of("dev.ssi.daemon.peer.PeerRefusal",
            "dev.ssi.daemon.balance.PoolGossip", "dev.ssi.daemon.migration.MigrationTarget");

    private TransportNode evil;
    private final List<Logger> watched = new CopyOnWriteArrayList<>();
    private final List<String> logged = new CopyOnWriteArrayList<>();
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
