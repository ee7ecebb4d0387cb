package dev.ssi.transport.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
    @Test
    void aTaskThatThrowsDoesNotStopTheOnesBehindIt() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            SerialExecutor serial = new SerialExecutor(pool);
            List<Integer> ran = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            serial.execute(() -> ran.add(1));
            serial.execute(() -> {
                throw new IllegalStateException("a failing task");
            });
            serial.execute(() -> ran.add(3));
            serial.execute(done::countDown);
            assertTrue(done.await(5, TimeUnit.SECONDS), "the tasks after the failing one ran");
            CountDownLatch later = new CountDownLatch(1);
            serial.execute(later::countDown);
            assertTrue(later.await(5, TimeUnit.SECONDS), "a task submitted afterwards ran");
            assertEquals(List.of(1, 3), ran);
        } finally {
            pool.shutdownNow();
        }
    }
}
