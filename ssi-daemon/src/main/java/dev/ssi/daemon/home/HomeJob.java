package dev.ssi.daemon.home;

import dev.ssi.daemon.job.JobId;
import dev.ssi.transport.NodeId;
import java.time.Instant;
import java.util.List;

/** What a job's home knows of it: what it is, whose it is, where it runs now, and its output. */
public final class HomeJob {
    private final JobId id;
    private final List<String> argv;
    private final String user;
    private final Instant submitted;
    private final HomeOutput output;
    private NodeId where;
    private Instant since;
    private int migrations;

    public HomeJob(JobId id, List<String> argv, String user, NodeId where, Instant now, HomeOutput output) {
        this.id = id;
        this.argv = List.copyOf(argv);
        this.user = user;
        this.submitted = now;
        this.output = output;
        this.where = where;
        this.since = now;
    }

    public JobId id() {
        return id;
    }

    public List<String> argv() {
        return argv;
    }

    public String user() {
        return user;
    }

    public Instant submitted() {
        return submitted;
    }

    public HomeOutput output() {
        return output;
    }

    public synchronized NodeId where() {
        return where;
    }

    public synchronized Instant since() {
        return since;
    }

    public synchronized int migrations() {
        return migrations;
    }

    /** The job now runs on {@code node}, in its {@code epoch}-th place. */
    public synchronized void arrived(NodeId node, int epoch, Instant now) {
        if (epoch >= migrations) {
            where = node;
            since = now;
            migrations = epoch;
        }
    }
}
