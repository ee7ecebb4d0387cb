package dev.ssi.daemon.job;

import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.checkpoint.os.OsException;
import dev.ssi.daemon.concurrent.PollLoop;
import dev.ssi.daemon.concurrent.Threads;
import dev.ssi.transport.NodeId;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * A job running on this node, in its {@code epoch}-th place: its tree, the pump taking its
 * output home through the outbox, and its end reported home once the shared {@link PollLoop}
 * has it and the pump has all its output — unless it left for another node.
 */
public final class HostedJob {
    /** Where jobs' ends are journaled and sent home: never on the poll loop's own thread. */
    private static final System.Logger LOG = System.getLogger(HostedJob.class.getName());
    private static final Executor ENDINGS = Threads.bounded("ssi-job-end", 2);

    private final JobId id;
    private final NodeId home;
    private final int epoch;
    private final List<String> argv;
    private final RunningJob running;
    private final OutputPump pump;
    private final Outbox outbox;
    private volatile boolean leaving;
    private volatile boolean over;

    private HostedJob(JobId id, NodeId home, int epoch, List<String> argv, RunningJob running, Outbox outbox,
            Path spool, OutputCursor from) {
        this.id = id;
        this.home = home;
        this.epoch = epoch;
        this.argv = List.copyOf(argv);
        this.running = running;
        this.outbox = outbox;
        this.pump = OutputPump.start(id, epoch, running, spool, from, outbox);
    }

    /** What becomes of a hosted job's end: journaled at once, and the job unregistered once its output is all read. */
    public interface Ending {
        void statusKnown(HostedJob job, ExitStatus status);

        void over(HostedJob job);
    }

    /**
     * Starts hosting a running (not stopped) job whose epoch the outbox has open, its output
     * going on from {@code from} through the spool file {@code spool}.
     */
    public static HostedJob host(JobId id, NodeId home, int epoch, List<String> argv, RunningJob running,
            Outbox outbox, Path spool, OutputCursor from, Ending ending) {
        HostedJob job = new HostedJob(id, home, epoch, argv, running, outbox, spool, from);
        running.exit().handleAsync((status, failure) -> failure == null ? status : ExitStatus.exited(255), ENDINGS)
                .thenAccept(status -> job.ended(status, ending)).exceptionally(failure -> {
                    LOG.log(System.Logger.Level.ERROR, "the end of " + id + " was not dealt with", failure);
                    return null;
                });
        return job;
    }

    private void ended(ExitStatus status, Ending ending) {
        if (leaving) {
            return;
        }
        ending.statusKnown(this, status);
        pump.drained().thenRunAsync(() -> {
            over = true;
            ending.over(this);
            outbox.exited(id, epoch, status);
        }, ENDINGS).exceptionally(failure -> {
            LOG.log(System.Logger.Level.ERROR, "the end of " + id + " was not sent home", failure);
            return null;
        });
    }

    /** Whether the job has ended here and all its output was read. */
    public boolean isOver() {
        return over;
    }

    public JobId id() {
        return id;
    }

    public NodeId home() {
        return home;
    }

    public int epoch() {
        return epoch;
    }

    public List<String> argv() {
        return argv;
    }

    public RunningJob running() {
        return running;
    }

    /**
     * The commit point of a migration away: the stopped original is killed, its end is not the
     * job's end, and what it wrote before it stopped is in the epoch's spool, on its way home as
     * fast as home takes it. The move never waits for the job's reader: this epoch's output that
     * home has not taken yet follows from here, after the job has gone.
     */
    public void leave() throws OsException {
        leaving = true;
        running.kill();
        pump.emptyPipe().exceptionally(broken -> null).join();
        outbox.left(id, epoch);
    }
}
