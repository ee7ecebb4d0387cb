package dev.ssi.daemon;

import dev.ssi.checkpoint.Criu;
import dev.ssi.checkpoint.CriuException;
import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.daemon.balance.GuestsConfig;
import dev.ssi.daemon.concurrent.Threads;
import dev.ssi.daemon.confine.Confinement;
import dev.ssi.daemon.home.HomeJob;
import dev.ssi.daemon.home.HomeLink;
import dev.ssi.daemon.home.HomeOutput;
import dev.ssi.daemon.home.LocalHomeLink;
import dev.ssi.daemon.home.RemoteHomeLink;
import dev.ssi.daemon.job.DescriptorKeeper;
import dev.ssi.daemon.job.HostedJob;
import dev.ssi.daemon.job.HostedJobs;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.JobSpec;
import dev.ssi.daemon.job.RunningJob;
import dev.ssi.daemon.journal.Journal;
import dev.ssi.daemon.journal.JournalEntries.Entry;
import dev.ssi.daemon.journal.JournalEntries.HomeDone;
import dev.ssi.daemon.journal.JournalEntries.Submitted;
import dev.ssi.daemon.journal.JournalState;
import dev.ssi.daemon.migration.Committer;
import dev.ssi.daemon.migration.FrozenJobs;
import dev.ssi.daemon.migration.MigrationException;
import dev.ssi.daemon.migration.MigrationSource;
import dev.ssi.daemon.migration.MigrationSource.Landing;
import dev.ssi.daemon.migration.MigrationTarget;
import dev.ssi.daemon.migration.Outgoings;
import dev.ssi.daemon.migration.PeerMessages.Fate;
import dev.ssi.daemon.migration.PeerMessages.Move;
import dev.ssi.daemon.migration.PeerMessages.Moved;
import dev.ssi.daemon.migration.PeerMessages.Offer;
import dev.ssi.daemon.migration.PeerMessages.OutputAck;
import dev.ssi.daemon.migration.PeerMessages.Signal;
import dev.ssi.daemon.migration.PeerProtocol;
import dev.ssi.transport.CallType;
import dev.ssi.transport.MessageHandler;
import dev.ssi.transport.MessageType;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.Peer;
import dev.ssi.transport.PeerGoneException;
import dev.ssi.transport.RefusedException;
import dev.ssi.transport.TransportConfig;
import dev.ssi.transport.TransportNode;
import dev.ssi.transport.trust.NodeIdentity;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * One node of the pool: the home of the jobs submitted here (and the keeper of those frozen
 * here), the host of the jobs running here, held to its owner's terms for guests, and both ends
 * of their migrations. Output of a job comes home wherever the job runs. What it hosts and every
 * migration step is journaled; a restarted node takes its jobs over again.
 */
public final class Node implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Node.class.getName());
    private static final long TIMER_PERIOD_MILLIS = 1000;
    /** How long a restarted home waits for a job's ssi-run to attach again. */
    private static final java.time.Duration REATTACH_WINDOW = java.time.Duration.ofMinutes(5);
    private static final int SIGHUP = 1;

    private final TransportNode transport;
    private final Path shim;
    private final Journal journal;
    private final DescriptorKeeper keeper;
    /** Peer calls that take a while (migrations); a migration's steps wait on other nodes, never on this pool. */
    private static final int WORK_THREADS = 16;

    private final ExecutorService work = Threads.bounded("ssi-work", WORK_THREADS);
    private final ScheduledExecutorService timer = Threads.timer("ssi-timer");
    private final Map<NodeId, InetSocketAddress> directory = new ConcurrentHashMap<>();
    private final Map<JobId, HomeJob> homed = new ConcurrentHashMap<>();
    private final AtomicLong jobNumbers = new AtomicLong();
    private final HostedJobs hosted;
    private final Outgoings outgoings;
    private final Committer committer;
    private final MigrationSource source;
    private final MigrationTarget target;
    private final FrozenJobs frozen;
    private final Confinement confinement;
    private volatile Predicate<JobId> admitsGuest = job -> true;

    /** A job running here, as the scheduler needs to know it: {@code root} is its pid 1 (0 once it has ended). */
    public record Hosted(JobId job, NodeId home, int epoch, int root) {}

    private Node(TransportNode transport, Criu criu, Path shim, Path state, Confinement confinement, Journal journal,
            DescriptorKeeper keeper) throws CriuException, IOException {
        this.transport = transport;
        this.shim = shim;
        this.journal = journal;
        this.keeper = keeper;
        this.confinement = confinement;
        this.hosted = new HostedJobs(transport.id(), journal, keeper, state.resolve("spool"), this::linkTo);
        this.outgoings = new Outgoings(journal);
        this.committer = new Committer(outgoings, timer, this::call);
        this.source = new MigrationSource(criu, state.resolve("outgoing"), criu.fingerprint().cpuinfoImage(), outgoings,
                committer);
        this.frozen = new FrozenJobs(transport.id(), state.resolve("frozen"), journal, criu, hosted, this::place);
        frozen.onFrozen((job, epoch) -> java.util.Optional.ofNullable(homed.get(job))
                .ifPresent(home -> home.arrived(id(), epoch, Instant.now())));
        this.target = new MigrationTarget(criu, state.resolve("incoming"), work, new MigrationTarget.Context(journal,
                keeper, this::refusal, this::place, this::runsInEpoch, this::arrived, this::call, frozen));
        target.register(transport);
        registerHomeSide();
        transport.onCall(PeerProtocol.MOVE, (from, m) -> CompletableFuture.supplyAsync(() -> {
            try {
                return m.getFreeze() ? freezeAtHome(new JobId(m.getJob()), Landing.HOLD)
                        : migrate(new JobId(m.getJob()), NodeId.of(m.getDestination()));
            } catch (MigrationException e) {
                throw new RefusedException(e.getMessage());
            }
        }, work));
        transport.onCall(PeerProtocol.FATE, (from, ref) -> CompletableFuture.completedFuture(
                Fate.newBuilder().setOutcome(outgoings.fate(new JobId(ref.getJob()), ref.getEpoch())).build()));
        transport.onMessage(PeerProtocol.SIGNAL, (from, m) -> signalHere(new JobId(m.getJob()), m.getSignal()));
        transport.onMessage(PeerProtocol.OUTPUT_ACK, (from, m) -> hosted.outbox().acknowledged(new JobId(m.getJob()),
                m.getEpoch(), m.getNextSeq(), m.getEndSeen(), m.getExitSeen()));
    }

    /** Output, its end and the exit status arrive from wherever a job whose home is here runs; each is acknowledged. */
    private void registerHomeSide() {
        transport.onMessage(PeerProtocol.OUTPUT, (from, m) -> homeOutput(m.getJob()).ifPresentOrElse(out -> {
            out.chunk(m.getEpoch(), m.getSeq(), m.getData().toByteArray());
            acknowledge(from, m.getJob(), m.getEpoch(), out);
        }, () -> acknowledgeForgotten(from, m.getJob(), m.getEpoch())));
        transport.onMessage(PeerProtocol.OUTPUT_END, (from, m) -> homeOutput(m.getJob()).ifPresentOrElse(out -> {
            out.end(m.getEpoch(), m.getChunks());
            acknowledge(from, m.getJob(), m.getEpoch(), out);
        }, () -> acknowledgeForgotten(from, m.getJob(), m.getEpoch())));
        transport.onMessage(PeerProtocol.EXIT, (from, m) -> homeOutput(m.getJob()).ifPresentOrElse(out -> {
            out.exited(m.getEpoch(), m.getSignal() != 0 ? ExitStatus.killedBy(m.getSignal()) : ExitStatus.exited(m.getCode()));
            acknowledge(from, m.getJob(), m.getEpoch(), out);
        }, () -> acknowledgeForgotten(from, m.getJob(), m.getEpoch())));
        transport.onMessage(PeerProtocol.ARRIVED, (from, m) -> {
            HomeJob job = homed.get(new JobId(m.getJob()));
            if (job != null) {
                job.arrived(from, m.getEpoch(), Instant.now());
            }
        });
    }

    private java.util.Optional<HomeOutput> homeOutput(String job) {
        return java.util.Optional.ofNullable(homed.get(new JobId(job))).map(HomeJob::output);
    }

    /** A job home has forgotten (its ssi-run has had its end) is all home: the host may forget it too. */
    private void acknowledgeForgotten(NodeId host, String job, int epoch) {
        if (homed.containsKey(new JobId(job))) {
            return;
        }
        connectQuietly(host).thenCompose(peer -> peer.send(PeerProtocol.OUTPUT_ACK, OutputAck.newBuilder().setJob(job)
                .setEpoch(epoch).setNextSeq(Long.MAX_VALUE).setEndSeen(true).setExitSeen(true).build()))
                .exceptionally(failure -> null);
    }

    private void acknowledge(NodeId host, String job, int epoch, HomeOutput out) {
        HomeOutput.Ack ack = out.ack(epoch);
        connectQuietly(host).thenCompose(peer -> peer.send(PeerProtocol.OUTPUT_ACK, OutputAck.newBuilder().setJob(job)
                .setEpoch(epoch).setNextSeq(ack.nextSeq()).setEndSeen(ack.endSeen()).setExitSeen(ack.exitSeen()).build()))
                .exceptionally(failure -> null); // The host sends it again.
    }

    /**
     * Starts the node on {@code state}: replays its journal, takes back from its keeper the pipes
     * of the jobs it hosted before a restart, and takes those jobs over. Guest jobs run on the
     * host owner's {@code guests} terms.
     */
    public static Node start(NodeIdentity identity, TransportConfig config, Criu criu, Path shim, Path state,
            GuestsConfig guests) throws IOException, CriuException, InterruptedException {
        Files.createDirectories(state.resolve("outgoing"));
        Files.createDirectories(state.resolve("incoming"));
        Journal journal = Journal.open(state);
        JournalState replayed = journal.recovered();
        DescriptorKeeper keeper;
        try {
            keeper = DescriptorKeeper.connectOrStart(shim.resolveSibling("ssi-keeper"), state.resolve("keeper.sock"));
        } catch (IOException e) {
            journal.close();
            throw e;
        }
        TransportNode transport = TransportNode.start(identity, config);
        Confinement confinement = Confinement.start(transport.id().value(), state, guests);
        Node node;
        try {
            node = new Node(transport, criu, shim, state, confinement, journal, keeper);
        } catch (CriuException | RuntimeException e) {
            confinement.close();
            transport.close();
            keeper.close();
            journal.close();
            throw e;
        }
        node.recover(replayed);
        return node;
    }

    private void recover(JournalState replayed) throws IOException {
        jobNumbers.set(replayed.lastJobNumber());
        replayed.homeJobs().values().forEach(state -> {
            HomeJob job = HomeJob.restored(journal, state, id());
            homed.put(job.id(), job);
            timer.schedule(() -> hangUpIfUnattended(job), REATTACH_WINDOW.toSeconds(), TimeUnit.SECONDS);
        });
        new Recovery(hosted, outgoings, committer, target, keeper, this::call).run(replayed);
        frozen.recover(replayed);
        confineGuests();
        timer.scheduleWithFixedDelay(this::tick, TIMER_PERIOD_MILLIS, TIMER_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Guests taken over after a restart get this start's terms (a change made live before it is gone). */
    private void confineGuests() {
        for (Hosted job : hosted()) {
            if (!job.home().equals(id()) && job.root() > 0) {
                try {
                    confinement.guest(job.root());
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot hold guest " + job.job() + " to this host's terms: "
                            + e.getMessage());
                }
            }
        }
    }

    /** A job whose ssi-run did not come back after this node restarted is hung up on, as a terminal's would be. */
    private void hangUpIfUnattended(HomeJob job) {
        if (!job.output().isAttached() && homed.containsKey(job.id())) {
            job.output().exit().thenRun(() -> done(job.id()));
            try {
                signal(job.id(), SIGHUP);
            } catch (IOException e) {
                // It is beyond reach; its end still comes home and is forgotten then.
            }
        }
    }

    /** Once a second; a failure is logged, never let through (it would cancel every later tick). */
    private void tick() {
        try {
            hosted.outbox().resendUnacknowledged();
            target.askAboutWaitingCopies();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "timer tick failed: " + e, e);
        }
    }

    public NodeId id() {
        return transport.id();
    }

    public InetSocketAddress address() {
        return transport.address();
    }

    /** Tells this node where another node listens. */
    public void introduce(NodeId node, InetSocketAddress address) {
        directory.put(node, address);
    }

    /** Sends {@code message} to {@code node}, connecting first if need be; fails when it is unknown or unreachable. */
    public <T> CompletableFuture<Void> send(NodeId node, MessageType<T> type, T message) {
        return connectQuietly(node).thenCompose(peer -> peer.send(type, message));
    }

    /** Handles messages of {@code type} from peers (on transport's handler threads). */
    public <T> void onMessage(MessageType<T> type, MessageHandler<T> handler) {
        transport.onMessage(type, handler);
    }

    /** The jobs running here now. */
    public List<Hosted> hosted() {
        return hosted.all().stream()
                .map(j -> new Hosted(j.id(), j.home(), j.epoch(), j.running().root()))
                .toList();
    }

    /**
     * A rule every guest offered to this node must pass besides the guest cap (e.g. the
     * scheduler's: not while the owner reclaims the machine). Jobs coming home always may.
     */
    public void admitGuestsOnlyIf(Predicate<JobId> rule) {
        admitsGuest = rule;
    }

    /** Starts a job here, its home, for {@code user}; its output waits for an ssi-run to {@link #attach}. */
    public JobId submit(JobSpec spec, String user) throws IOException {
        long number = jobNumbers.incrementAndGet();
        journal.append(Entry.newBuilder().setSubmitted(Submitted.newBuilder().setNumber(number)).build());
        JobId job = JobId.of(id().value(), number);
        RunningJob running = RunningJob.launch(shim, spec);
        homed.put(job, HomeJob.submitted(journal, job, spec.argv(), user, id(), Instant.now(), new HomeOutput(job, journal)));
        hosted.host(job, id(), 0, spec.argv(), running);
        return job;
    }

    /** Starts a job here, its home, with its output going to {@code out} from the start. */
    public JobId submit(JobSpec spec, String user, OutputStream out) throws IOException {
        JobId job = submit(spec, user);
        attach(job, user, out, 0);
        return job;
    }

    /**
     * {@code user}'s ssi-run takes a job's output from byte {@code from} on — at the start, or
     * again after this node restarted. Another user's job is refused by name.
     */
    public void attach(JobId job, String user, OutputStream out, long from) throws IOException {
        HomeJob home = homeJob(job);
        if (!home.user().equals(user) && !user.equals("root")) {
            throw new IOException(job + " is " + home.user() + "'s, not " + user + "'s");
        }
        home.output().attach(out, from);
    }

    /** The ssi-run attached as {@code out} has gone. */
    public void detach(JobId job, OutputStream out) {
        java.util.Optional.ofNullable(homed.get(job)).ifPresent(h -> h.output().detach(out));
    }

    /** The job's ssi-run has its output below byte {@code upTo}. */
    public void received(JobId job, long upTo) {
        java.util.Optional.ofNullable(homed.get(job)).ifPresent(h -> h.output().received(upTo));
    }

    /** The job's ssi-run has its exit status: home forgets the job. */
    public void done(JobId job) {
        if (homed.remove(job) != null) {
            journal.append(Entry.newBuilder().setHomeDone(HomeDone.newBuilder().setJob(job.value())).build());
        }
    }

    /** The nodes this one knows, itself first. */
    public List<Map<String, Object>> nodes() {
        List<Map<String, Object>> all = new java.util.ArrayList<>();
        all.add(Map.of("node", id().value(), "address", address().toString(), "self", true));
        directory.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> all.add(
                Map.of("node", e.getKey().value(), "address", e.getValue().toString(), "self", false)));
        return all;
    }

    /** Moves a job whose home is here to {@code destination}, asking the node it runs on if that is not here. */
    public Moved move(JobId job, NodeId destination) throws MigrationException {
        HomeJob home = homeJob(job);
        if (frozen.holds(job)) {
            try {
                thaw(job);
            } catch (IOException e) {
                throw new MigrationException(e.getMessage(), e);
            }
            if (destination.equals(id())) {
                return Moved.newBuilder().setJob(job.value()).setDestination(id().value()).setEpoch(home.migrations())
                        .build();
            }
        }
        Moved moved = moveFrom(home.where(), job, destination);
        home.arrived(NodeId.of(moved.getDestination()), moved.getEpoch(), Instant.now());
        return moved;
    }

    private Moved moveFrom(NodeId where, JobId job, NodeId destination) throws MigrationException {
        if (where.equals(id())) {
            return migrate(job, destination);
        }
        try {
            return call(where, PeerProtocol.MOVE, Move.newBuilder().setJob(job.value()).setDestination(destination.value())
                    .build(), java.time.Duration.ofMinutes(10)).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new MigrationException("moving " + job + " from " + where + " to " + destination + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException("interrupted while moving " + job);
        }
    }

    /** Completes with the job's exit status once all its output has been delivered. */
    public CompletableFuture<ExitStatus> exitOf(JobId job) {
        HomeJob home = homed.get(job);
        if (home == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no job " + job + " has its home here"));
        }
        return home.output().exit();
    }

    /** The jobs whose home is here, running or not yet reported ended. */
    public List<HomeJob> homeJobs() {
        return homed.values().stream().filter(j -> !j.output().exit().isDone())
                .sorted(java.util.Comparator.comparing(j -> j.submitted())).toList();
    }

    /**
     * Sends a user's signal to a job whose home is here, wherever it runs. A signal that meets
     * the job in mid-migration is lost.
     */
    public void signal(JobId job, int signal) throws IOException {
        thawIfFrozen(job);
        NodeId where = homeJob(job).where();
        if (where.equals(id())) {
            signalHere(job, signal);
        } else {
            try {
                connectQuietly(where).thenCompose(peer -> peer.send(PeerProtocol.SIGNAL,
                        Signal.newBuilder().setJob(job.value()).setSignal(signal).build())).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IOException("cannot reach " + where + " to signal " + job + ": " + e.getMessage(), e);
            }
        }
    }

    private void signalHere(JobId job, int signal) {
        hosted.get(job).ifPresent(hostedJob -> {
            try {
                hostedJob.running().signal(signal);
            } catch (IOException ignored) {
                // It ended meanwhile; its exit is on its way home.
            }
        });
    }

    /** The job whose home is here, or an error naming it. */
    public HomeJob homeJob(JobId job) {
        HomeJob home = homed.get(job);
        if (home == null) {
            throw new IllegalArgumentException("no job " + job + " has its home on " + id());
        }
        return home;
    }

    /** Why a job running here cannot move, or empty when it can (or does not run here). */
    public java.util.Optional<String> pinnedBecause(JobId job) {
        return hosted.get(job).flatMap(j -> j.running().pinnedBecause());
    }

    /** Whether {@code job} runs on this node now. */
    public boolean runs(JobId job) {
        return hosted.get(job).isPresent();
    }

    private boolean runsInEpoch(JobId job, int epoch) {
        return hosted.get(job).filter(j -> j.epoch() == epoch).isPresent() || frozen.holds(job, epoch);
    }

    /** The jobs whose home is here kept frozen here, until a node has room for them. */
    public List<FrozenJobs.FrozenJob> frozen() {
        return frozen.all();
    }

    /** Whether {@code job}, whose home is here, is kept frozen here. */
    public boolean isFrozen(JobId job) {
        return frozen.holds(job);
    }

    /**
     * Restores a job frozen here: it runs here from now on (and may be moved on). On failure it
     * stays frozen and the error says why.
     */
    public void thaw(JobId job) throws IOException {
        try {
            frozen.thaw(job);
        } catch (CriuException e) {
            throw new IOException("cannot thaw " + job + ": " + e.getMessage(), e);
        }
    }

    /** A user's signal or move meets a frozen job running again first. */
    private void thawIfFrozen(JobId job) throws IOException {
        if (frozen.holds(job)) {
            thaw(job);
        }
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
                .orElseThrow(() -> new MigrationException("no job " + job + " runs on " + id()));
        if (hostedJob.home().equals(id())) {
            throw new MigrationException(job + " runs on its home " + id() + ": only a job running elsewhere is frozen");
        }
        return leave(hostedJob, hostedJob.home(), landing);
    }

    /**
     * {@code ssi freeze}: a job whose home is here, running on another node, is sent home and
     * kept frozen here until {@code ssi thaw} (MOSIX's {@code migrate PID freeze}, HTCondor's
     * hold). On failure it runs on where it was and the error says why.
     */
    public Moved freeze(JobId job) throws MigrationException {
        HomeJob home = homeJob(job);
        if (frozen.holds(job)) {
            throw new MigrationException(job + " is frozen already");
        }
        NodeId where = home.where();
        if (where.equals(id())) {
            throw new MigrationException(job + " runs on its home " + id() + ": only a job running elsewhere is frozen");
        }
        try {
            return call(where, PeerProtocol.MOVE, Move.newBuilder().setJob(job.value()).setFreeze(true).build(),
                    java.time.Duration.ofMinutes(10)).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new MigrationException("freezing " + job + " from " + where + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException("interrupted while freezing " + job);
        }
    }

    /** Moves a job running here to {@code destination}; on failure it runs on here and the error says why. */
    public Moved migrate(JobId job, NodeId destination) throws MigrationException {
        HostedJob hostedJob = hosted.get(job)
                .orElseThrow(() -> new MigrationException("no job " + job + " runs on " + id()));
        if (destination.equals(id())) {
            throw new MigrationException(job + " already runs on " + destination);
        }
        return leave(hostedJob, destination, Landing.RUN);
    }

    private Moved leave(HostedJob hostedJob, NodeId destination, Landing landing) throws MigrationException {
        JobId job = hostedJob.id();
        var pinned = hostedJob.running().pinnedBecause();
        if (pinned.isPresent()) {
            throw new MigrationException(job + " is pinned to " + id() + ": it " + pinned.get());
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
        InetSocketAddress address = directory.get(node);
        if (address == null) {
            throw new MigrationException("unknown node " + node);
        }
        try {
            return transport.connect(node, address).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new MigrationException("node " + node + " at " + address + " is unreachable", e);
        }
    }

    /** Why this node does not take an offered job now; a job coming home it always takes. */
    private java.util.Optional<String> refusal(Offer offer, int alreadyComing) {
        JobId job = new JobId(offer.getJob());
        if (NodeId.of(offer.getHome()).equals(id())) {
            return java.util.Optional.empty();
        }
        String user = offer.getUser().isEmpty() ? "unknown" : offer.getUser();
        return confinement.terms().refusal(id().value(), user, hosted.guests() + alreadyComing)
                .or(() -> admitsGuest.test(job) ? java.util.Optional.empty()
                        : java.util.Optional.of(id() + " is reclaimed by its owner: it takes no guests now"));
    }

    private void place(Offer offer, RunningJob restored) throws IOException {
        if (NodeId.of(offer.getHome()).equals(id())) {
            confinement.home(restored.root());
        } else {
            confinement.guest(restored.root());
        }
    }

    /** The host owner's terms for guests now. */
    public GuestsConfig guestTerms() {
        return confinement.terms();
    }

    /** {@code ssi host}: the terms for guests, and their cgroup. */
    public Map<String, Object> hostPolicy() {
        Map<String, Object> shown = new java.util.LinkedHashMap<>();
        shown.put("node", id().value());
        shown.put("guests", hosted.guests());
        shown.putAll(confinement.describe());
        return shown;
    }

    /**
     * {@code ssi host set}: changes the terms for guests now, for the guests already here too
     * (not in the configuration file). A bad change names its key and changes nothing.
     */
    public Map<String, Object> changeHostPolicy(Map<String, String> changes) {
        List<Integer> guests = hosted().stream().filter(h -> !h.home().equals(id()) && h.root() > 0)
                .map(Hosted::root).toList();
        confinement.change(changes, guests);
        return hostPolicy();
    }

    private void arrived(Offer offer, RunningJob running) throws IOException {
        JobId job = new JobId(offer.getJob());
        NodeId home = NodeId.of(offer.getHome());
        int epoch = offer.getEpoch() + 1;
        hosted.host(job, home, epoch, offer.getArgvList(), running);
        linkTo(home).arrived(job, id(), epoch);
    }

    private HomeLink linkTo(NodeId home) {
        return home.equals(id()) ? new LocalHomeLink(homed, hosted.outbox()) : new RemoteHomeLink(home, this::connectQuietly);
    }

    private <Q, R> CompletableFuture<R> call(NodeId node, CallType<Q, R> type, Q request, java.time.Duration timeout) {
        InetSocketAddress address = directory.get(node);
        return address == null
                ? CompletableFuture.failedFuture(new IllegalStateException("unknown node " + node))
                : transport.call(node, address, type, request, timeout);
    }

    private CompletableFuture<Peer> connectQuietly(NodeId node) {
        InetSocketAddress address = directory.get(node);
        return address == null
                ? CompletableFuture.failedFuture(new IllegalStateException("unknown node " + node))
                : transport.connect(node, address);
    }

    /** Stops serving and kills the jobs it hosts; its keeper, holding nothing more, ends. */
    @Override
    public void close() {
        hosted.all().forEach(j -> {
            try {
                j.running().kill();
            } catch (IOException ignored) {
                // Already gone.
            }
        });
        timer.shutdownNow();
        try {
            keeper.releaseAll();
        } catch (IOException ignored) {
            // The keeper is gone already.
        }
        transport.close();
        work.shutdownNow();
        keeper.close();
        journal.close();
        confinement.close();
    }
}
