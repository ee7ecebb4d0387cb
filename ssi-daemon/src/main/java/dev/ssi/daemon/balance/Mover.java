package dev.ssi.daemon.balance;

import dev.ssi.daemon.balance.BalanceMessages.History;
import dev.ssi.daemon.balance.load.Ids;
import dev.ssi.daemon.concurrent.Threads;
import dev.ssi.daemon.migration.MigrationException;
import dev.ssi.daemon.node.Node;
import dev.ssi.daemon.peer.PeerMessages.Moved;
import dev.ssi.scheduler.JobInfo;
import dev.ssi.scheduler.NodeName;
import dev.ssi.transport.MessageType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Carries out a round's moves one after the other, on a thread of its own (a migration takes
 * seconds), and likewise an evacuation's freezes and a thaw. Each is offered to its destination, whose admission has the last word: a refusal,
 * or any other failure before the commit, leaves the job running here, and is logged. After a
 * move, the destination is told how much work the job had done and what the move cost, and
 * the cost is learnt here too.
 */
final class Mover implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Mover.class.getName());

    private final Node node;
    private final MessageType<History> history;
    private final MoveCosts costs;
    private final ExecutorService thread = Threads.serial("ssi-balance-move");
    /**
     * An evacuation's moves at once: dumps still run one at a time on this machine (DumpLock),
     * but one job's restore on its destination overlaps the next one's dump here.
     */
    private static final int EVACUATING_AT_ONCE = 2;
    private final ExecutorService evacuating = Threads.bounded("ssi-evacuate", EVACUATING_AT_ONCE);
    private volatile boolean busy;
    private final AtomicLong finishedAtNanos = new AtomicLong(System.nanoTime());

    Mover(Node node, MessageType<History> history, MoveCosts costs) {
        this.node = node;
        this.history = history;
        this.costs = costs;
    }

    /** Whether a round's moves are still being carried out. */
    boolean busy() {
        return busy;
    }

    /** When the last round's moves were all done (System.nanoTime()). */
    long finishedAtNanos() {
        return finishedAtNanos.get();
    }

    /**
     * Carries out a balancing round's {@code moves} one after the other: they are not urgent,
     * and each is planned with the pool as it was before the ones ahead of it.
     */
    void carryOut(List<Rebalancer.Move> moves) {
        run(() -> moves.forEach(this::carryOut));
    }

    /**
     * Carries out an evacuation, {@value #EVACUATING_AT_ONCE} moves at once, each while the
     * deadline ({@code System.currentTimeMillis()}) has not passed; a guest its destination does
     * not take, every guest still here after the deadline, and each of {@code toFreeze} are sent
     * to their homes to be kept frozen there.
     */
    void evacuate(List<Rebalancer.Move> moves, List<JobInfo> toFreeze, long deadlineMillis) {
        run(() -> {
            List<Future<?>> underWay = new ArrayList<>();
            for (Rebalancer.Move move : moves) {
                underWay.add(evacuating.submit(() -> {
                    if (System.currentTimeMillis() >= deadlineMillis || !carryOut(move)) {
                        freeze(move.job());
                    }
                }));
            }
            toFreeze.forEach(job -> underWay.add(evacuating.submit(() -> freeze(job))));
            for (Future<?> move : underWay) {
                try {
                    move.get();
                } catch (ExecutionException e) {
                    LOG.log(System.Logger.Level.WARNING, "an evacuation move failed: " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
    }

    /** Thaws a job frozen here, its home, and sends it on to {@code destination} unless that is here. */
    void thaw(JobInfo frozen, NodeName destination) {
        run(() -> {
            var job = Ids.daemon(frozen.id());
            try {
                node.home().thaw(job);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, job + " stays frozen: " + e.getMessage());
                return;
            }
            if (!Ids.transport(destination).equals(node.id())) {
                carryOut(new Rebalancer.Move(frozen, destination, "thawed: room there"));
            }
        });
    }

    private void freeze(JobInfo guest) {
        var job = Ids.daemon(guest.id());
        try {
            Moved moved = node.host().freezeAtHome(job);
            LOG.log(System.Logger.Level.INFO, String.format("froze %s at its home %s: %d bytes of images",
                    job, moved.getDestination(), moved.getImageBytes()));
        } catch (MigrationException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, job + " stays on " + node.id() + ", running (its home does not keep it"
                    + " frozen now): " + e.getMessage());
        }
    }

    private void run(Runnable moves) {
        busy = true;
        thread.execute(() -> {
            try {
                moves.run();
            } finally {
                finishedAtNanos.set(System.nanoTime());
                busy = false;
            }
        });
    }

    /** Whether the job moved. */
    private boolean carryOut(Rebalancer.Move move) {
        var job = Ids.daemon(move.job().id());
        var destination = Ids.transport(move.destination());
        try {
            Moved moved = node.host().migrate(job, destination);
            double frozen = moved.getFrozenMicros() / 1e6;
            LOG.log(System.Logger.Level.INFO, String.format("moved %s to %s (%s): frozen %.0f ms, %d bytes of images",
                    job, destination, move.why(), frozen * 1000, moved.getImageBytes()));
            costs.moved(move.destination(), moved.getImageBytes(), frozen);
            node.directory().send(destination, history, History.newBuilder().setJob(job.value())
                    .setWorkSeconds(move.job().workDoneSeconds()).setFrozenSeconds(frozen)
                    .setImageBytes(moved.getImageBytes()).build()).exceptionally(failure -> {
                        LOG.log(System.Logger.Level.DEBUG, "cannot tell " + destination + " the history of " + job, failure);
                        return null;
                    });
            return true;
        } catch (MigrationException | RuntimeException e) {
            LOG.log(System.Logger.Level.INFO, job + " stays on " + node.id() + " (" + move.why() + " to " + destination
                    + " not done): " + e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        evacuating.shutdownNow();
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
