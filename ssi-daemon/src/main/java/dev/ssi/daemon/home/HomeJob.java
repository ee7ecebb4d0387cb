package dev.ssi.daemon.home;

import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.Owner;
import dev.ssi.daemon.journal.Journal;
import dev.ssi.daemon.journal.JournalEntries.Entry;
import dev.ssi.daemon.journal.JournalEntries.HomeLocated;
import dev.ssi.daemon.journal.JournalEntries.HomeSubmitted;
import dev.ssi.daemon.journal.HomeJobState;
import dev.ssi.transport.NodeId;
import java.time.Instant;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/** What a job's home knows of it: what it is, whose it is, where it runs now (journaled), and its output. */
public final class HomeJob {
    private final Journal journal;
    private final JobId id;
    private final List<String> argv;
    private final Owner owner;
    private final Instant submitted;
    private final HomeOutput output;
    private final NavigableMap<Integer, NodeId> holders = new TreeMap<>();
    private NodeId where;
    private Instant since;
    private int migrations;

    public HomeJob(Journal journal, JobId id, List<String> argv, Owner owner, NodeId where, Instant now,
            HomeOutput output) {
        this.journal = journal;
        this.id = id;
        this.argv = List.copyOf(argv);
        this.owner = owner;
        this.submitted = now;
        this.output = output;
        this.where = where;
        this.since = now;
        holders.put(0, where);
    }

    public JobId id() {
        return id;
    }

    public List<String> argv() {
        return argv;
    }

    /** The owner's user name. */
    public String user() {
        return owner.name();
    }

    public Owner owner() {
        return owner;
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

    /** A job submitted here, journaled as such; it starts here. */
    public static HomeJob submitted(Journal journal, JobId id, List<String> argv, Owner owner, NodeId here, Instant now,
            HomeOutput output) {
        journal.append(Entry.newBuilder().setHomeSubmitted(HomeSubmitted.newBuilder().setJob(id.value()).addAllArgv(argv)
                .setUser(owner.name()).setUid(owner.uid()).setGid(owner.gid()).addAllGroups(owner.groups())
                .setSubmittedMillis(now.toEpochMilli())).build());
        return new HomeJob(journal, id, argv, owner, here, now, output);
    }

    /** A job whose home is here as the journal of this node's previous run left it, its output as {@code output} took it back. */
    public static HomeJob restored(Journal journal, HomeJobState state, NodeId here, HomeOutput output) {
        HomeSubmitted s = state.submitted();
        JobId id = new JobId(s.getJob());
        Instant submitted = Instant.ofEpochMilli(s.getSubmittedMillis());
        HomeJob job = new HomeJob(journal, id, s.getArgvList(), new Owner(s.getUser(), s.getUid(), s.getGid(), s.getGroupsList()), here, submitted,
                output);
        state.locations().forEach(l -> job.holders.put(l.getEpoch(), NodeId.of(l.getNode())));
        state.located().ifPresent(l -> {
            job.where = NodeId.of(l.getNode());
            job.since = Instant.ofEpochMilli(l.getSinceMillis());
            job.migrations = l.getEpoch();
        });
        return job;
    }

    /** The node that held the job in {@code epoch}, as this home learnt it; empty when it does not know. */
    public synchronized Optional<NodeId> holder(int epoch) {
        return Optional.ofNullable(holders.get(epoch));
    }

    /** The latest epoch whose holder this home knows. */
    public synchronized int latestKnownEpoch() {
        return holders.lastKey();
    }

    /**
     * The job now runs on {@code node}, in its {@code epoch}-th place: said by this node itself,
     * by the answer to its own move, or learnt from the holder of the epoch before.
     */
    public synchronized void arrived(NodeId node, int epoch, Instant now) {
        holders.putIfAbsent(epoch, node);
        if (epoch >= migrations && !(node.equals(where) && epoch == migrations)) {
            journal.append(Entry.newBuilder().setHomeLocated(HomeLocated.newBuilder().setJob(id.value())
                    .setNode(node.value()).setEpoch(epoch).setSinceMillis(now.toEpochMilli())).build());
            where = node;
            since = now;
            migrations = epoch;
        }
    }
}
