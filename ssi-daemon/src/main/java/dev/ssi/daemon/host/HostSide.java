package dev.ssi.daemon.host;

import com.google.protobuf.MessageLite;
import dev.ssi.checkpoint.Criu;
import dev.ssi.checkpoint.CriuException;
import dev.ssi.daemon.confine.Confinement;
import dev.ssi.daemon.confine.GuestsConfig;
import dev.ssi.daemon.directory.PeerDirectory;
import dev.ssi.daemon.job.DescriptorKeeper;
import dev.ssi.daemon.job.HomeLink;
import dev.ssi.daemon.job.HostedJob;
import dev.ssi.daemon.job.HostedJobs;
import dev.ssi.daemon.job.JobHere;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.JobSpec;
import dev.ssi.daemon.job.Outbox;
import dev.ssi.daemon.job.Owner;
import dev.ssi.daemon.job.RunningJob;
import dev.ssi.daemon.journal.Journal;
import dev.ssi.daemon.journal.JournalState;
import dev.ssi.daemon.migration.Committer;
import dev.ssi.daemon.migration.FrozenJobs;
import dev.ssi.daemon.migration.MigrationException;
import dev.ssi.daemon.migration.MigrationSource;
import dev.ssi.daemon.migration.MigrationSource.Landing;
import dev.ssi.daemon.migration.MigrationTarget;
import dev.ssi.daemon.migration.Outgoings;
import dev.ssi.daemon.migration.ReceivedImages;
import dev.ssi.daemon.peer.CallWorkers;
import dev.ssi.daemon.peer.HostBound;
import dev.ssi.daemon.peer.PeerMessages.Fate;
import dev.ssi.daemon.peer.PeerMessages.Moved;
import dev.ssi.daemon.peer.PeerMessages.Offer;
import dev.ssi.daemon.peer.PeerMessages.OutputAck;
import dev.ssi.daemon.peer.PeerRefusal;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.connection.Peer;
import dev.ssi.transport.PeerGoneException;
import dev.ssi.transport.RefusedException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The host of jobs (HTCondor's startd): the jobs running on this node, its own and guests held to
 * its owner's terms; both ends of their migrations — the offers it takes or refuses, and jobs
 * leaving it; their output on its way home. It accepts only host-bound messages.
 */
public final class HostSide implements HostBound.Receiver, AutoCloseable {
    private final PeerDirectory directory;
    private final Path shim;
    private final GuestTerms guests;
    private final DescriptorKeeper keeper;
    private final HostedJobs hosted;
    private final Outgoings outgoings;
    private final HostSenders senders;
    private final Committer committer;
    private final MigrationSource source;
    private final MigrationTarget target;
    private final FrozenJobs frozen;
    private final Function<Outbox, HomeLink> localHome;
    private final CallWorkers moves = new CallWorkers("ssi-moves", 2, 16);
    private final CallWorkers incoming = new CallWorkers("ssi-incoming", 4, 64);

    /**
     * What this node's home knows of its jobs: where they run (a job comes home only from there)
     * and whose they are (their images must run as that owner).
     */
    public interface HomeView {
        boolean runsOn(JobId job, NodeId node);

        Optional<Owner> ownerOf(JobId job);
    }

    /**
     * The jobs of this node's own home reach it through {@code localHome} (given this host's
     * outbox), and {@code home} says where they run; the others' through the peer directory.
     */
    public HostSide(PeerDirectory directory, Criu criu, Path shim, Path state, Journal journal, DescriptorKeeper keeper,
            Confinement confinement, ScheduledExecutorService timer, Function<Outbox, HomeLink> localHome,
            HomeView home) throws CriuException, IOException {
        this.directory = directory;
        this.shim = shim;
        this.guests = new GuestTerms(directory.self(), confinement);
        this.keeper = keeper;
        this.localHome = localHome;
        this.hosted = new HostedJobs(self(), journal, keeper, state.resolve("spool"), this::linkTo);
        this.outgoings = new Outgoings(journal);
        this.senders = new HostSenders(hosted, outgoings);
        this.committer = new Committer(outgoings, timer, directory);
        this.source = new MigrationSource(criu, state.resolve("outgoing"), criu.fingerprint().cpuinfoImage(), outgoings,
                committer);
        ReceivedImages received = new ReceivedImages(self(), home::ownerOf, shim);
        this.frozen = new FrozenJobs(self(), state.resolve("frozen"), journal, criu, hosted, guests::place, received);
        OfferSenders offerSenders = new OfferSenders(self(), hosted, frozen, home);
        this.target = new MigrationTarget(criu, state.resolve("incoming"), incoming, new MigrationTarget.Context(journal,
                keeper, (from, offer, coming) -> offerSenders.refusal(from, offer)
                        .or(() -> guests.refusal(offer, hosted.guests() + coming)), guests::place,
                this::runsInEpoch, this::arrived, directory, frozen, received,
                () -> guests.terms().offerTimeout()));
    }

    private NodeId self() {
        return directory.self();
    }

    /** The receiving end of migrations to this node. */
    public MigrationTarget target() {
        return target;
    }

    /** The jobs whose home is here kept frozen here: this host keeps their images. */
    public FrozenJobs frozenJobs() {
        return frozen;
    }

    /**
     * Takes back every job hosted here before a restart, settles the migrations it was part of,
     * and holds the guests to this start's terms.
     */
    public void recover(JournalState replayed) throws IOException {
        new Recovery(hosted, outgoings, committer, target, keeper, directory).run(replayed);
        frozen.recover(replayed);
        guests.confine(hosted());
    }

    /** Once a second: output home has not acknowledged goes again; copies left waiting ask their source. */
    public void tick() {
        hosted.outbox().resendUnacknowledged();
        target.askAboutWaitingCopies();
    }

    /** This host's one entry for what other nodes send it about the jobs it hosts. */
    @Override
    public CompletableFuture<? extends MessageLite> accept(NodeId from, HostBound message) {
        Optional<String> refusal;
        try {
            refusal = senders.refusal(from, message);
        } catch (IllegalArgumentException e) {
            refusal = Optional.of(e.getMessage());
        }
        if (refusal.isPresent()) {
            return CompletableFuture.failedFuture(PeerRefusal.of(from, message.getClass().getSimpleName(), message.job(),
                    refusal.get()));
        }
        if (message instanceof HostBound.Move m) {
            JobId job = new JobId(m.request().getJob());
            return moves.supply(() -> {
                try {
                    return m.request().getFreeze() ? freezeAtHome(job, Landing.HOLD)
                            : migrate(job, NodeId.of(m.request().getDestination()));
                } catch (MigrationException e) {
                    throw new RefusedException(e.getMessage());
                }
            });
        } else if (message instanceof HostBound.Fate m) {
            return CompletableFuture.completedFuture(fate(new JobId(m.request().getJob()), m.request().getEpoch()));
        } else if (message instanceof HostBound.Signal m) {
            signalHere(new JobId(m.message().getJob()), m.message().getSignal());
        } else if (message instanceof HostBound.OutputAck m) {
            OutputAck ack = m.message();
            hosted.outbox().acknowledged(new JobId(ack.getJob()), ack.getEpoch(), ack.getNextSeq(), ack.getEndSeen(),
                    ack.getExitSeen(), ack.hasRoom() ? ack.getRoom() : Long.MAX_VALUE);
        }
        return CompletableFuture.completedFuture(null);
    }

    /** What became of the migration of {@code job} away from here into {@code epoch}, and to which node. */
    public Fate fate(JobId job, int epoch) {
        return outgoings.fate(job, epoch);
    }

    /** Starts {@code spec} here for its home, this node; it is hosted once {@link #hostOwn} takes it. */
    public RunningJob launch(JobSpec spec, Owner owner) throws IOException {
        return RunningJob.launch(shim, spec, owner);
    }

    /** Hosts {@code running}, a job whose home is this node, in its first place. */
    public void hostOwn(JobId job, List<String> argv, RunningJob running) throws IOException {
        hosted.host(job, self(), 0, argv, running);
    }

    /** The jobs running here now. */
    public List<JobHere> hosted() {
        return hosted.all().stream().map(j -> new JobHere(j.id(), j.home(), j.epoch(), j.running().root())).toList();
    }

    /** Whether {@code job} runs on this node now. */
    public boolean runs(JobId job) {
        return hosted.get(job).isPresent();
    }

    /** Why a job running here cannot move, or empty when it can (or does not run here). */
    public Optional<String> pinnedBecause(JobId job) {
        return hosted.get(job).flatMap(j -> j.running().pinnedBecause());
    }

    /** Sends {@code signal} to a job running here; one that is not here (or ended meanwhile) is left alone. */
    public void signalHere(JobId job, int signal) {
        hosted.get(job).ifPresent(hostedJob -> {
            try {
                hostedJob.running().signal(signal);
            } catch (IOException ignored) {
                // It ended meanwhile; its exit is on its way home.
            }
        });
    }

    /**
     * A rule every guest offered to this node must pass besides the guest cap (e.g. the
     * scheduler's: not while the owner reclaims the machine). Jobs coming home always may.
     */
    public void admitGuestsOnlyIf(Predicate<JobId> rule) {
        guests.admitOnlyIf(rule);
    }

    /** The host owner's terms for guests now. */
    public GuestsConfig guestTerms() {
        return guests.terms();
    }

    /** {@code ssi host}: the terms for guests, and their cgroup. */
    public Map<String, Object> hostPolicy() {
        return guests.describe(hosted.guests());
    }

    /**
     * {@code ssi host set}: changes the terms for guests now, for the guests already here too
     * (not in the configuration file). A bad change names its key and changes nothing.
     */
    public Map<String, Object> changeHostPolicy(Map<String, String> changes) {
        guests.change(changes, hosted());
        return hostPolicy();
    }

    /** Moves a job running here to {@code destination}; on failure it runs on here and the error says why. */
    public Moved migrate(JobId job, NodeId destination) throws MigrationException {
        HostedJob hostedJob = hosted.get(job)
                .orElseThrow(() -> new MigrationException("no job " + job + " runs on " + self()));
        if (destination.equals(self())) {
            throw new MigrationException(job + " already runs on " + destination);
        }
        return leave(hostedJob, destination, Landing.RUN);
    }

    /**
     * Sends a guest running here to its home to be kept frozen there (no node takes it); on
     * failure it runs on here and the error says why.
     */
    public Moved freezeAtHome(JobId job) throws MigrationException {
        return freezeAtHome(job, Landing.FREEZE);
    }

    private Moved freezeAtHome(JobId job, Landing landing) throws MigrationException {
        HostedJob hostedJob = hosted.get(job)
                .orElseThrow(() -> new MigrationException("no job " + job + " runs on " + self()));
        if (hostedJob.home().equals(self())) {
            throw new MigrationException(job + " runs on its home " + self() + ": only a job running elsewhere is frozen");
        }
        return leave(hostedJob, hostedJob.home(), landing);
    }

    private Moved leave(HostedJob hostedJob, NodeId destination, Landing landing) throws MigrationException {
        JobId job = hostedJob.id();
        var pinned = hostedJob.running().pinnedBecause();
        if (pinned.isPresent()) {
            throw new MigrationException(job + " is pinned to " + self() + ": it " + pinned.get());
        }
        if (!hosted.take(job, hostedJob)) {
            throw new MigrationException(job + " ended, or is already on its way elsewhere");
        }
        try {
            try {
                return source.migrate(hostedJob, connect(destination), landing);
            } catch (MigrationException e) {
                if (!PeerGoneException.isNeverSent(e)) {
                    throw e;
                }
                // The connection was found dead before the offer left (the destination restarted): once more, anew.
                return source.migrate(hostedJob, connect(destination), landing);
            }
        } catch (MigrationException e) {
            hosted.putBack(hostedJob);
            throw e;
        }
    }

    private Peer connect(NodeId node) throws MigrationException {
        var address = directory.addressOf(node).orElseThrow(() -> new MigrationException("unknown node " + node));
        try {
            return directory.connect(node).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new MigrationException("node " + node + " at " + address + " is unreachable", e);
        }
    }

    private boolean runsInEpoch(JobId job, int epoch) {
        return hosted.get(job).filter(j -> j.epoch() == epoch).isPresent() || frozen.holds(job, epoch);
    }

    private void arrived(Offer offer, RunningJob running) throws IOException {
        JobId job = new JobId(offer.getJob());
        NodeId home = NodeId.of(offer.getHome());
        int epoch = offer.getEpoch() + 1;
        hosted.host(job, home, epoch, offer.getArgvList(), running);
        linkTo(home).arrived(job, self(), epoch);
    }

    private HomeLink linkTo(NodeId home) {
        return home.equals(self()) ? localHome.apply(hosted.outbox()) : new RemoteHomeLink(home, directory::connect);
    }

    /** Kills the jobs hosted here (their keeper still holds their pipes) and stops answering calls. */
    @Override
    public void close() {
        hosted.all().forEach(j -> {
            try {
                j.running().kill();
            } catch (IOException ignored) {
                // Already gone.
            }
        });
        moves.close();
        incoming.close();
    }
}
