package dev.ssi.daemon.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.transport.RefusedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SECURITY.md claim 28: peers' calls run on a bounded set of threads; beyond its queue, a call is refused at once. */
@Timeout(30)
class CallWorkersTest {
    @Test
    void whenAllAreBusyAndTheQueueIsFullACallIsRefusedAtOnceAndNoMoreThreadsStart() throws Exception {
        int threads = 2;
        int queued = 3;
        try (CallWorkers workers = new CallWorkers("test-calls", threads, queued)) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(threads);
            AtomicInteger running = new AtomicInteger();
            AtomicInteger mostAtOnce = new AtomicInteger();
            Set<String> names = ConcurrentHashMap.newKeySet();
            List<CompletableFuture<String>> accepted = new ArrayList<>();
            for (int i = 0; i < threads + queued; i++) {
                int n = i;
                accepted.add(workers.supply(() -> {
                    names.add(Thread.currentThread().getName());
                    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                    started.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    running.decrementAndGet();
                    return "call " + n;
                }));
            }
            assertTrue(started.await(10, TimeUnit.SECONDS), "the first calls run");

            CompletableFuture<String> beyond = workers.supply(() -> "never run");
            assertTrue(beyond.isDone(), "refused at once, not left to wait");
            ExecutionException refused = assertThrows(ExecutionException.class, beyond::get);
            assertInstanceOf(RefusedException.class, refused.getCause());
            assertEquals("test-calls is busy: " + queued + " calls wait already", refused.getCause().getMessage());
            AtomicInteger dropped = new AtomicInteger();
            workers.execute(dropped::incrementAndGet);

            release.countDown();
            for (int i = 0; i < accepted.size(); i++) {
                assertEquals("call " + i, accepted.get(i).get(10, TimeUnit.SECONDS), "every accepted call is answered");
            }
            assertEquals(threads, mostAtOnce.get(), "never more at once than its threads");
            assertTrue(names.size() <= threads && names.stream().allMatch(name -> name.startsWith("test-calls-")),
                    "no thread beyond its bound: " + names);
            assertEquals("again", workers.supply(() -> "again").get(10, TimeUnit.SECONDS), "room again once they drain");
            assertEquals(0, dropped.get(), "a task it had no room for was dropped, not run later");
        }
    }

    @Test
    void aCallThatThrowsFailsAloneAndTheThreadsServeOn() throws Exception {
        try (CallWorkers workers = new CallWorkers("test-calls", 1, 1)) {
            CompletableFuture<String> broken = workers.supply(() -> {
                throw new IllegalStateException("disk on fire");
            });
            ExecutionException failed = assertThrows(ExecutionException.class, () -> broken.get(10, TimeUnit.SECONDS));
            assertEquals("disk on fire", failed.getCause().getMessage());
            assertEquals("fine", workers.supply(() -> "fine").get(10, TimeUnit.SECONDS));
        }
    }
}
