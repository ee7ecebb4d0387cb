package dev.ssi.daemon.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.daemon.LoopbackNodes;
import dev.ssi.daemon.balance.load.Ids;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.JobSpec;
import dev.ssi.daemon.job.Owner;
import dev.ssi.daemon.node.Node;
import dev.ssi.scheduler.JobInfo;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A round's moves carried out between real nodes (real CRIU, mutual TLS on loopback): the job
 * runs on where it was sent, a destination that refuses (guest cap reached, or taking no guests
 * now) leaves it where it is, a job may always come home, and its output comes home whole. An
 * evacuation moves what its destinations take and freezes the rest at their home, and past its
 * deadline freezes without trying.
 */
@Timeout(120)
class MoverTest {
    private static final String WORK = "BEGIN { for (i = 0; i < 40000000; i++) s += i % 7; print s }";

    @TempDir
    Path state;

    /** Made by each test, with the nodes it needs; closed after it. */
    @AutoClose
    private LoopbackNodes pool;

    @Test
    void aMoveIsCarriedOutAndARefusedOneLeavesTheJobWhereItRuns() throws Exception {
        pool = new LoopbackNodes(state);
        Node ws = pool.start("ws", 4);
        Node h1 = pool.start("h1", 4);
        pool.start("full", 0);
        Node closed = pool.start("closed", 4);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JobId job = ws.home().submit(new JobSpec(List.of("mawk", WORK), System.getenv(), state, 022), Owner.ROOT, out);
        MoveCosts costs = new MoveCosts(117e6);
        double before = costs.current().fixedSeconds();

        carryOut(pool.closing(new Mover(ws, Balance.HISTORY, costs)), job, "h1");
        assertTrue(h1.host().runs(job) && !ws.host().runs(job), "the job runs on h1 alone");
        assertNotEquals(before, costs.current().fixedSeconds(), "the move's cost was learnt");

        Mover fromH1 = pool.closing(new Mover(h1, Balance.HISTORY, new MoveCosts(117e6)));
        carryOut(fromH1, job, "full");
        assertTrue(h1.host().runs(job), "refused by full, it runs on where it was");
        closed.host().admitGuestsOnlyIf(guest -> false);
        carryOut(fromH1, job, "closed");
        assertTrue(h1.host().runs(job), "a node that takes no guests now (its owner is back) refuses it too");
        ws.host().admitGuestsOnlyIf(guest -> false);
        carryOut(fromH1, job, "ws");
        assertTrue(ws.host().runs(job), "but a job may always come home");

        assertEquals(ExitStatus.exited(0), ws.home().exitOf(job).get(90, TimeUnit.SECONDS));
        assertEquals(expected() + "\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anEvacuationMovesWhatItCanAndFreezesTheRestAtTheirHome() throws Exception {
        pool = new LoopbackNodes(state);
        Node ws = pool.start("ws", 4);
        Node h1 = pool.start("h1", 4);
        Node h2 = pool.start("h2", 1);
        List<JobId> jobs = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            JobId job = ws.home().submit(new JobSpec(List.of("sh", "-c", "while :; do sleep 0.01; done"), System.getenv(), state,
                    022), Owner.ROOT, new ByteArrayOutputStream());
            ws.home().move(job, dev.ssi.transport.NodeId.of("h1"));
            jobs.add(job);
        }
        Mover fromH1 = pool.closing(new Mover(h1, Balance.HISTORY, new MoveCosts(117e6)));
        // h2 takes one guest: of the two sent there, one is refused and frozen at home instead.
        awaitDone(fromH1, () -> fromH1.evacuate(List.of(move(jobs.get(0), "h2"), move(jobs.get(1), "h2")),
                List.of(info(jobs.get(2))), Long.MAX_VALUE));
        assertTrue(jobs.stream().noneMatch(h1.host()::runs), "every guest left h1");
        assertEquals(1, jobs.stream().filter(h2.host()::runs).count(), "h2 took one");
        assertEquals(2, jobs.stream().filter(ws.home()::isFrozen).count(), "the others are frozen at their home");
        assertTrue(jobs.stream().allMatch(job -> h2.host().runs(job) ^ ws.home().isFrozen(job)), "each job in one place");

        JobId onH2 = jobs.stream().filter(h2.host()::runs).findFirst().orElseThrow();
        Mover fromH2 = pool.closing(new Mover(h2, Balance.HISTORY, new MoveCosts(117e6)));
        awaitDone(fromH2, () -> fromH2.evacuate(List.of(move(onH2, "h1")), List.of(), System.currentTimeMillis() - 1));
        assertTrue(ws.home().isFrozen(onH2) && !h1.host().runs(onH2), "past the deadline, it is frozen at home, not moved");
    }

    private static Rebalancer.Move move(JobId job, String destination) {
        return new Rebalancer.Move(info(job), new dev.ssi.scheduler.NodeName(destination), "test");
    }

    private static JobInfo info(JobId job) {
        return new JobInfo(Ids.scheduler(job), "root", new dev.ssi.scheduler.NodeName("ws"), false, 10, 1, 1 << 20, 0, 0);
    }

    private static void awaitDone(Mover mover, Runnable moves) throws Exception {
        moves.run();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (mover.busy()) {
            assertTrue(System.nanoTime() < deadline, "the moves never ended");
            Thread.sleep(20);
        }
    }

    private static void carryOut(Mover mover, JobId job, String destination) throws Exception {
        JobInfo info = new JobInfo(Ids.scheduler(job), "root", new dev.ssi.scheduler.NodeName("ws"), false, 10, 1, 1 << 20,
                0, 0);
        mover.carryOut(List.of(new Rebalancer.Move(info, new dev.ssi.scheduler.NodeName(destination), "test")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (mover.busy()) {
            assertTrue(System.nanoTime() < deadline, "the move never ended");
            Thread.sleep(20);
        }
    }

    private static String expected() {
        long sum = 0;
        for (long i = 0; i < 40_000_000; i++) {
            sum += i % 7;
        }
        return Long.toString(sum);
    }
}
