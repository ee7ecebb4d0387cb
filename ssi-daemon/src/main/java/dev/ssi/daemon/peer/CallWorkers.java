package dev.ssi.daemon.peer;

import dev.ssi.daemon.concurrent.Threads;
import dev.ssi.transport.RefusedException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A role's fixed set of threads for the peers' calls it answers, with a bounded queue: a call it
 * has no room for is refused at once, never left to wait without end; a task that throws fails
 * its call and is logged, the threads serve on.
 */
public final class CallWorkers implements Executor, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CallWorkers.class.getName());

    private final String name;
    private final ThreadPoolExecutor pool;

    public CallWorkers(String name, int threads, int queued) {
        this.name = name;
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queued),
                Threads.named(name), new ThreadPoolExecutor.AbortPolicy());
    }

    /** Runs {@code answer} on these threads; refused with a reason when they are all busy and the queue full. */
    public <R> CompletableFuture<R> supply(Supplier<R> answer) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return answer.get();
                } catch (RefusedException e) {
                    throw e;
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, name + " task failed: " + e, e);
                    throw e;
                }
            }, pool);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new RefusedException(name + " is busy: "
                    + pool.getQueue().size() + " calls wait already"));
        }
    }

    /** Runs {@code task} on these threads; when there is no room it is dropped and logged (its sender asks again). */
    @Override
    public void execute(Runnable task) {
        try {
            pool.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, name + " task failed: " + e, e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.WARNING, name + " is busy: a task is dropped");
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
