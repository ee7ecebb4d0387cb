package dev.ssi.daemon.concurrent;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The only place ssid makes threads (docs/concurrency.md): each named after what it does,
 * daemon threads (none keeps the JVM from exiting), each pool bounded. A task that throws out of
 * {@code execute} is logged; the pool replaces the thread and the tasks behind it still run.
 */
public final class Threads {
    private static final System.Logger LOG = System.getLogger(Threads.class.getName());
    private static final long IDLE_SECONDS = 60;

    private Threads() {}

    /** Daemon threads named {@code name-1}, {@code name-2}, ...; what escapes a task is logged. */
    public static ThreadFactory named(String name) {
        AtomicLong n = new AtomicLong();
        return runnable -> {
            Thread t = new Thread(runnable, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((thread, e) ->
                    LOG.log(System.Logger.Level.ERROR, "a task on " + thread.getName() + " failed", e));
            return t;
        };
    }

    /** One thread of its own for a loop that runs as long as ssid does (an event loop, an acceptor). */
    public static Thread start(String name, Runnable loop) {
        Thread t = named(name).newThread(loop);
        t.start();
        return t;
    }

    /** Runs tasks one at a time, in order. */
    public static ExecutorService serial(String name) {
        return bounded(name, 1);
    }

    /**
     * At most {@code max} threads: a task goes to an idle thread if there is one, else to a new
     * thread while there are fewer than {@code max}, else waits its turn (in order). Threads end
     * after a minute idle.
     */
    public static ExecutorService bounded(String name, int max) {
        HandOff queue = new HandOff();
        return new ThreadPoolExecutor(0, max, IDLE_SECONDS, TimeUnit.SECONDS, queue, named(name), (task, pool) -> {
            if (pool.isShutdown()) {
                throw new RejectedExecutionException(name + " is shut down");
            }
            queue.enqueue(task);
        });
    }

    /**
     * A pool's queue that takes a task only when an idle thread is waiting for one, so that the
     * pool starts a thread rather than queue while under its bound (a plain queue would make it
     * start a new thread for every task up to its core size, idle ones notwithstanding); a task
     * the pool refuses, at its bound, is queued for the next free thread.
     */
    private static final class HandOff extends LinkedTransferQueue<Runnable> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean offer(Runnable task) {
            return tryTransfer(task);
        }

        void enqueue(Runnable task) {
            super.offer(task);
        }
    }

    /**
     * At most {@code max} threads and no queue: work beyond them is refused at once with a
     * {@link java.util.concurrent.RejectedExecutionException}, for the caller to say so.
     */
    public static ExecutorService refusingBeyond(String name, int max) {
        return new ThreadPoolExecutor(0, max, IDLE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(), named(name));
    }

    /** One thread for timed tasks. A periodic task must catch what it throws: one that throws is never run again. */
    public static ScheduledExecutorService timer(String name) {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, named(name));
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
