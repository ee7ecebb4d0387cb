package dev.ssi.daemon.job;

import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.checkpoint.os.OwnerOnly;
import dev.ssi.daemon.journal.Journal;
import dev.ssi.daemon.journal.JournalEntries.Ended;
import dev.ssi.daemon.journal.JournalEntries.Entry;
import dev.ssi.daemon.journal.JournalEntries.Hosted;
import dev.ssi.transport.NodeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The jobs this node hosts, each in the epoch it runs here: journaled as hosted, their pipes
 * with the keeper, their output going home through the outbox. What a restarted ssid takes
 * over again comes back through {@link #adopt}.
 */
public final class HostedJobs {
    private static final System.Logger LOG = System.getLogger(HostedJobs.class.getName());

    private final NodeId self;
    private final Journal journal;
    private final DescriptorKeeper keeper;
    private final Path spools;
    private final Function<NodeId, HomeLink> links;
    private final Outbox outbox;
    private final Map<JobId, HostedJob> hosted = new ConcurrentHashMap<>();

    /** {@code spools} is the directory of the epochs' output spool files ({@link OutputPump}). */
    public HostedJobs(NodeId self, Journal journal, DescriptorKeeper keeper, Path spools,
            Function<NodeId, HomeLink> links) throws IOException {
        this.self = self;
        this.journal = journal;
        this.keeper = keeper;
        this.spools = OwnerOnly.directories(spools);
        this.links = links;
        this.outbox = new Outbox(journal, this::settled);
    }

    /** The name the keeper holds an epoch's pipes under. */
    public static String keeperName(JobId job, int epoch) {
        return job.value() + "@" + epoch;
    }

    public Outbox outbox() {
        return outbox;
    }

    /** The way home from here for a job whose home is {@code home}. */
    public Function<NodeId, HomeLink> links() {
        return links;
    }

    /** Starts hosting a job that runs here from now on, in {@code epoch}. */
    public HostedJob host(JobId job, NodeId home, int epoch, List<String> argv, RunningJob running) throws IOException {
        String name = keeperName(job, epoch);
        keeper.hold(name, running.descriptors());
        journal.append(Entry.newBuilder().setHosted(Hosted.newBuilder().setJob(job.value()).setHome(home.value())
                .setEpoch(epoch).addAllArgv(argv).setRoot(running.root()).setRootStart(running.rootStart())
                .setKeeperName(name).setStdinKey(running.pipes().stdin())).build());
        return start(job, home, epoch, argv, running, Map.of(), OutputCursor.START);
    }

    /**
     * Takes over a job the journal says this node hosted before its ssid restarted: its pipes as
     * the keeper kept them, its output going on from {@code from}, and home sent again what it
     * may lack.
     */
    public HostedJob adopt(Hosted entry, RunningJob running, Map<Long, byte[]> unacked, OutputCursor from) {
        return start(new JobId(entry.getJob()), NodeId.of(entry.getHome()), entry.getEpoch(), entry.getArgvList(),
                running, unacked, from);
    }

    /**
     * Finishes an epoch that was over before this ssid restarted — the job ended here with
     * {@code status}, or left for another node when {@code status} is empty: what is left in its
     * output pipe is read and sent home, then its end.
     */
    public void finish(Hosted entry, RunningJob running, Map<Long, byte[]> unacked, OutputCursor from,
            Optional<ExitStatus> status) {
        JobId job = new JobId(entry.getJob());
        int epoch = entry.getEpoch();
        outbox.open(job, epoch, links.apply(NodeId.of(entry.getHome())), unacked, from.offset());
        OutputPump.start(job, epoch, running, spool(job, epoch), from, outbox).drained().thenRun(() -> status.ifPresentOrElse(
                s -> outbox.exited(job, epoch, s), () -> outbox.left(job, epoch)));
    }

    private HostedJob start(JobId job, NodeId home, int epoch, List<String> argv, RunningJob running,
            Map<Long, byte[]> unacked, OutputCursor from) {
        outbox.open(job, epoch, links.apply(home), unacked, from.offset());
        HostedJob hostedJob = HostedJob.host(job, home, epoch, argv, running, outbox, spool(job, epoch), from,
                new HostedJob.Ending() {
            @Override
            public void statusKnown(HostedJob ended, ExitStatus status) {
                journal.append(Entry.newBuilder().setEnded(Ended.newBuilder().setJob(job.value()).setEpoch(epoch)
                        .setCode(status.code()).setSignal(status.signal())).build());
            }

            @Override
            public void over(HostedJob ended) {
                hosted.remove(job, ended);
            }
        });
        hosted.put(job, hostedJob);
        return hostedJob;
    }

    public Optional<HostedJob> get(JobId job) {
        return Optional.ofNullable(hosted.get(job));
    }

    /** Takes a job out of the registry for a migration away; {@link #putBack} if it stays after all. */
    public boolean take(JobId job, HostedJob expected) {
        return hosted.remove(job, expected);
    }

    /** A job that stays after all, unless it ended meanwhile. */
    public void putBack(HostedJob job) {
        if (!job.isOver()) {
            hosted.put(job.id(), job);
        }
    }

    public Collection<HostedJob> all() {
        return hosted.values();
    }

    public int guests() {
        return (int) hosted.values().stream().filter(j -> !j.home().equals(self)).count();
    }

    private Path spool(JobId job, int epoch) {
        return spools.resolve(keeperName(job, epoch).replace('/', '-'));
    }

    /** Home has all of an epoch: its pipes and its spool need no keeping any more. */
    private void settled(JobId job, int epoch) {
        try {
            Files.deleteIfExists(spool(job, epoch));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete the output spool of " + keeperName(job, epoch) + ": "
                    + e.getMessage());
        }
        try {
            keeper.release(keeperName(job, epoch));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "ssi-keeper did not release " + keeperName(job, epoch) + ": "
                    + e.getMessage());
        }
    }
}
