package dev.ssi.daemon.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ThreadsTest {
    @Test
    void aSerialQueueRunsInOrderAndGoesOnPastATaskThatThrows() throws Exception {
        ExecutorService serial = Threads.serial("test-serial");
        List<Integer> ran = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        for (int i = 0; i < 100; i++) {
            int n = i;
            serial.execute(() -> {
                if (n == 50) {
                    throw new IllegalStateException("task 50 fails");
                }
                ran.add(n);
            });
        }
        serial.execute(done::countDown);
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(99, ran.size());
        for (int i = 1; i < ran.size(); i++) {
            assertTrue(ran.get(i - 1) < ran.get(i), "in order: " + ran);
        }
        serial.shutdownNow();
    }

    @Test
    void aBoundedPoolReusesAnIdleThreadAndNeverExceedsItsBound() throws Exception {
        ExecutorService pool = Threads.bounded("test-bounded", 3);
        Set<String> names = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 20; i++) {
            CountDownLatch one = new CountDownLatch(1);
            pool.execute(() -> {
                names.add(Thread.currentThread().getName());
                one.countDown();
            });
            assertTrue(one.await(5, TimeUnit.SECONDS));
            Thread.sleep(5);
        }
        assertEquals(1, names.size(), "one task at a time takes one thread: " + names);

        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch all = new CountDownLatch(10);
        Set<String> busy = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 10; i++) {
            pool.execute(() -> {
                busy.add(Thread.currentThread().getName());
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                all.countDown();
            });
        }
        Thread.sleep(100);
        assertTrue(busy.size() <= 3, "at most 3 threads: " + busy);
        release.countDown();
        assertTrue(all.await(10, TimeUnit.SECONDS), "the queued tasks ran too");
        pool.shutdownNow();
    }
}
