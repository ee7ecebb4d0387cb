package dev.ssi.daemon.job;

import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.checkpoint.os.OsException;
import dev.ssi.daemon.home.HomeLink;
import dev.ssi.transport.NodeId;
import java.util.List;

/**
 * A job running on this node, in its {@code epoch}-th place: its tree, the pump taking its
 * output home, and a watcher that reports its end home — unless it left for another node.
 */
public final class HostedJob {
    private final JobId id;
    private final NodeId home;
    private final int epoch;
    private final List<String> argv;
    private final RunningJob running;
    private final OutputPump pump;
    private volatile boolean leaving;

    private HostedJob(JobId id, NodeId home, int epoch, List<String> argv, RunningJob running, HomeLink link) {
        this.id = id;
        this.home = home;
        this.epoch = epoch;
        this.argv = List.copyOf(argv);
        this.running = running;
        this.pump = OutputPump.start(id, epoch, running.stdout(), link);
    }

    /** Starts hosting a running (not stopped) job; {@code ended} runs once it ends here for good. */
    public static HostedJob host(JobId id, NodeId home, int epoch, List<String> argv, RunningJob running,
            HomeLink link, Runnable ended) {
        HostedJob job = new HostedJob(id, home, epoch, argv, running, link);
        Thread watcher = new Thread(() -> job.watch(link, ended), "exit-" + id);
        watcher.setDaemon(true);
        watcher.start();
        return job;
    }

    private void watch(HomeLink link, Runnable ended) {
        ExitStatus status;
        try {
            status = running.awaitExit();
        } catch (OsException e) {
            status = ExitStatus.exited(255);
        }
        if (leaving) {
            return;
        }
        pump.drained().join();
        ended.run();
        link.exited(id, epoch, status);
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
     * job's end, and what it wrote before it stopped has gone home.
     */
    public void leave() throws OsException {
        leaving = true;
        running.kill();
        pump.drained().join();
    }
}
