package dev.ssi.daemon.host;

import dev.ssi.checkpoint.os.Descriptors;
import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.checkpoint.os.OsException;
import dev.ssi.checkpoint.os.Processes;
import dev.ssi.daemon.job.DescriptorKeeper;
import dev.ssi.daemon.job.HostedJobs;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.OutputCursor;
import dev.ssi.daemon.job.RunningJob;
import dev.ssi.daemon.journal.JournalEntries.Ended;
import dev.ssi.daemon.journal.JournalEntries.Hosted;
import dev.ssi.daemon.journal.JournalEntries.Outgoing;
import dev.ssi.daemon.journal.JournalState;
import dev.ssi.daemon.journal.HostedJobState;
import dev.ssi.daemon.migration.Committer;
import dev.ssi.daemon.migration.MigrationTarget;
import dev.ssi.daemon.migration.Outgoings;
import dev.ssi.daemon.peer.PeerCalls;
import dev.ssi.daemon.peer.PeerMessages.Abort;
import dev.ssi.daemon.peer.PeerProtocol;
import dev.ssi.transport.NodeId;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a restarted ssid does before it serves anyone: from its journal and the pipes its keeper
 * kept, it takes over every job it hosted, finishes what a crash cut short, and settles every
 * migration it was part of — so that each job runs in exactly one place.
 *
 * <ul>
 * <li>A migration away that had not reached its commit point: the original is authoritative;
 * it is resumed and the destination told to discard its copy.
 * <li>One past it: the original must be gone (it is killed if it is not), its last output is
 * sent home, and COMMIT is repeated until the destination confirms.
 * <li>A migration to here: see {@link MigrationTarget#recover}.
 * </ul>
 */
public final class Recovery {
    private static final System.Logger LOG = System.getLogger(Recovery.class.getName());

    private final HostedJobs hostedJobs;
    private final Outgoings outgoings;
    private final Committer committer;
    private final MigrationTarget target;
    private final DescriptorKeeper keeper;
    private final PeerCalls peers;

    public Recovery(HostedJobs hostedJobs, Outgoings outgoings, Committer committer, MigrationTarget target,
            DescriptorKeeper keeper, PeerCalls peers) {
        this.hostedJobs = hostedJobs;
        this.outgoings = outgoings;
        this.committer = committer;
        this.target = target;
        this.keeper = keeper;
        this.peers = peers;
    }

    public void run(JournalState state) throws IOException {
        Map<String, int[]> held = new HashMap<>(keeper.list());
        Map<String, Outgoing> unsettled = new HashMap<>(state.outgoing());
        for (HostedJobState job : state.hosted().values()) {
            Optional<Outgoing> migration = Optional.ofNullable(unsettled.get(job.hosted().getJob()))
                    .filter(o -> o.getEpoch() == job.hosted().getEpoch() + 1);
            migration.ifPresent(o -> unsettled.remove(o.getJob()));
            takeOver(job, migration, held);
        }
        // Migrations whose epoch here is over and forgotten (its output all home) but not their outcome.
        for (Outgoing migration : unsettled.values()) {
            JobId id = new JobId(migration.getJob());
            if (migration.getPhase() == Outgoing.Phase.COMMITTING) {
                outgoings.recovered(migration);
                committer.commit(id, migration.getEpoch(), NodeId.of(migration.getDestination()));
            } else {
                outgoings.record(id, migration.getEpoch(), NodeId.of(migration.getDestination()), Outgoing.Phase.ABORTED);
            }
        }
        for (JournalState.IncomingState incoming : state.incoming().values()) {
            target.recover(incoming, held);
            held.remove(incoming.restored().map(r -> r.getKeeperName()).orElse(""));
        }
        for (Map.Entry<String, int[]> stale : held.entrySet()) {
            closeAll(stale.getValue());
            keeper.release(stale.getKey());
        }
    }

    private void takeOver(HostedJobState job, Optional<Outgoing> migration, Map<String, int[]> held) throws IOException {
        Hosted entry = job.hosted();
        JobId id = new JobId(entry.getJob());
        int[] pipes = held.remove(entry.getKeeperName());
        boolean alive = Processes.isSame(entry.getRoot(), entry.getRootStart());
        if (pipes == null || pipes.length != 2) {
            LOG.log(System.Logger.Level.ERROR, "the keeper lost the pipes of " + id + " (was this machine restarted?); "
                    + "its home learns that it died here");
            if (alive) {
                Processes.signal(entry.getRoot(), Processes.SIGKILL);
            }
            hostedJobs.outbox().open(id, entry.getEpoch(), hostedJobs.links().apply(NodeId.of(entry.getHome())),
                    job.unacked(), job.bytesRead());
            hostedJobs.outbox().end(id, entry.getEpoch(), job.nextSeq());
            hostedJobs.outbox().exited(id, entry.getEpoch(), ExitStatus.killedBy(Processes.SIGKILL));
            return;
        }
        RunningJob running = RunningJob.adopt(alive ? entry.getRoot() : 0, pipes[0], pipes[1], entry.getStdinKey());
        LOG.log(System.Logger.Level.INFO, "taking over " + HostedJobs.keeperName(id, entry.getEpoch()) + ": "
                + (alive ? "running" : "ended") + ", " + job.unacked().size() + " chunks not yet acknowledged home, "
                + "output read on from chunk " + job.nextSeq());
        if (migration.isPresent() && migration.get().getPhase() == Outgoing.Phase.COMMITTING) {
            finishMigrationAway(job, running, migration.get());
            return;
        }
        if (migration.isPresent()) {
            callOff(id, migration.get(), running);
        }
        Optional<Ended> ended = job.endedStatus();
        if (ended.isPresent()) {
            ExitStatus status = ended.get().getSignal() != 0 ? ExitStatus.killedBy(ended.get().getSignal())
                    : ExitStatus.exited(ended.get().getCode());
            hostedJobs.finish(entry, running, job.unacked(), cursor(job), Optional.of(status));
        } else {
            hostedJobs.adopt(entry, running, job.unacked(), cursor(job));
        }
    }

    private static OutputCursor cursor(HostedJobState job) {
        return new OutputCursor(job.nextSeq(), job.bytesRead());
    }

    /** Past the commit point: the original dies if it has not, its last output goes home, the destination resumes. */
    private void finishMigrationAway(HostedJobState job, RunningJob original, Outgoing migration) throws OsException {
        JobId id = new JobId(job.hosted().getJob());
        original.kill();
        outgoings.recovered(migration);
        hostedJobs.finish(job.hosted(), original, job.unacked(), cursor(job), Optional.empty());
        committer.commit(id, migration.getEpoch(), NodeId.of(migration.getDestination()));
        LOG.log(System.Logger.Level.INFO, "finishing the migration of " + id + " to " + migration.getDestination());
    }

    /** Before the commit point: the original (stopped, maybe) runs on here, and the destination drops its copy. */
    private void callOff(JobId id, Outgoing migration, RunningJob original) throws OsException {
        original.resume();
        NodeId destination = NodeId.of(migration.getDestination());
        outgoings.record(id, migration.getEpoch(), destination, Outgoing.Phase.ABORTED);
        Abort abort = Abort.newBuilder().setJob(id.value()).setEpoch(migration.getEpoch())
                .setReason("the source restarted before the commit point").build();
        peers.call(destination, PeerProtocol.ABORT, abort, Duration.ofSeconds(30))
                .exceptionally(failure -> null); // It asks us (FATE) when it can.
        LOG.log(System.Logger.Level.INFO, "called off the migration of " + id + " to " + destination + "; it runs on here");
    }

    private static void closeAll(int[] fds) {
        for (int fd : fds) {
            Descriptors.closeQuietly(fd);
        }
    }
}
