package dev.ssi.system.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pool balancing itself, as a user meets it: a workstation and three hosts of equal CPU
 * quotas in a local pool (real ssids, real CRIU, real namespaces), CPU-bound jobs started with
 * the real ssi-run on the workstation, and nobody telling anything where to go.
 *
 * <p>Quotas are 0.4 core each: four nodes use at most 1.6 of this machine's 2 cores, so each
 * node really gets its quota (the benchmark, {@code scripts/bench-balance.sh}, measures speed;
 * this test checks behaviour only).
 */
@Timeout(400)
class PoolBalancingSystemTest {
    private static final double CPUS = 0.4;

    private BalancingPool pool;

    @BeforeEach
    void up() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "local pools need root");
        pool = BalancingPool.up(3, CPUS, Map.of());
    }

    @AfterEach
    void down() {
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    void eightJobsStartedOnTheWorkstationSpreadToEveryHostByThemselvesAndAllFinishRight() throws Exception {
        CpuJob job = new CpuJob(40_000_000);
        try (Placements placements = Placements.watch(pool)) {
            List<CompletableFuture<String>> outputs = start(8, job);
            for (CompletableFuture<String> output : outputs) {
                assertEquals(job.expectedOutput(), output.get(300, TimeUnit.SECONDS));
            }
            Set<String> ran = placements.seenOn().values().stream().flatMap(Set::stream).collect(Collectors.toSet());
            assertEquals(8, placements.seenOn().size(), "ssi ps saw every job");
            assertTrue(ran.containsAll(pool.hosts()), "every host ran a job: " + placements.seenOn() + "; moves: "
                    + pool.moveLog("ws"));
        }
    }

    @Test
    void aHostWhoseQuotaIsHalvedMidRunShedsWork() throws Exception {
        try (Placements placements = Placements.watch(pool)) {
            List<Process> runs = new ArrayList<>();
            try {
                for (int i = 0; i < 7; i++) {
                    runs.add(pool.ssiRun(CpuJob.endless()));
                }
                awaitSettled(placements, 7);
                Map<String, String> before = placements.where();
                String busiest = pool.hosts().stream()
                        .max((a, b) -> Long.compare(count(before, a), count(before, b))).orElseThrow();
                assertTrue(count(before, busiest) >= 2, "seven jobs on four nodes put two on some host: " + before);
                int movesBefore = placements.moves().size();

                pool.pool().setCpus(busiest, CPUS / 2);

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                boolean shed = false;
                while (!shed && System.nanoTime() < deadline) {
                    shed = placements.moves().subList(movesBefore, placements.moves().size()).stream()
                            .anyMatch(move -> move.from().equals(busiest));
                    Thread.sleep(200);
                }
                assertTrue(shed, busiest + " at half its quota sent none of its jobs away; it had " + before
                        + "; moves since: " + placements.moves().subList(movesBefore, placements.moves().size())
                        + "; its log: " + pool.moveLog(busiest));
            } finally {
                runs.forEach(Process::destroy);
            }
            for (Process run : runs) {
                assertTrue(run.waitFor(60, TimeUnit.SECONDS), "ssi-run ended after SIGTERM");
                assertEquals(128 + 15, run.exitValue(), "the job, wherever it ran, died of the SIGTERM ssi-run got");
            }
        }
    }

    /** {@code count} copies of {@code job} through ssi-run at once; each future is its output, once it exited 0. */
    private List<CompletableFuture<String>> start(int count, CpuJob job) throws Exception {
        List<CompletableFuture<String>> outputs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Process run = pool.ssiRun(job.command());
            outputs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertEquals(0, run.waitFor(), "ssi-run's exit status");
                    return out;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        return outputs;
    }

    /** Until all {@code jobs} run, some have moved, and none has moved for a while: the pool has found its balance. */
    private static void awaitSettled(Placements placements, int jobs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (placements.where().size() != jobs || placements.moves().isEmpty()
                || placements.quietNanos() < TimeUnit.SECONDS.toNanos(8)) {
            assertTrue(System.nanoTime() < deadline, "the pool never settled: " + placements.where() + ", moves "
                    + placements.moves());
            Thread.sleep(200);
        }
        assertEquals(jobs, new HashSet<>(placements.where().keySet()).size());
    }

    private static long count(Map<String, String> where, String node) {
        return where.values().stream().filter(node::equals).count();
    }
}
