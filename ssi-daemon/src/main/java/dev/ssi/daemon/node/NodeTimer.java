package dev.ssi.daemon.node;

import dev.ssi.daemon.concurrent.Threads;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The node's one timer thread, for its roles' retries and periodic work. A task that throws is
 * logged (a scheduled executor would keep the failure in a future nobody reads).
 */
final class NodeTimer extends ScheduledThreadPoolExecutor {
    private static final System.Logger LOG = System.getLogger(NodeTimer.class.getName());

    NodeTimer() {
        super(1, Threads.named("ssi-timer"));
    }

    @Override
    protected void afterExecute(Runnable task, Throwable failure) {
        super.afterExecute(task, failure);
        if (failure == null && task instanceof Future<?> future && future.isDone()) {
            try {
                future.get();
            } catch (ExecutionException e) {
                failure = e.getCause();
            } catch (CancellationException | InterruptedException e) {
                // Cancelled, or the node is closing.
            }
        }
        if (failure != null) {
            LOG.log(System.Logger.Level.WARNING, "timer task failed: " + failure, failure);
        }
    }
}
