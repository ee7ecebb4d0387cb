package dev.ssi.daemon;

import dev.ssi.checkpoint.Criu;
import dev.ssi.checkpoint.CriuException;
import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.daemon.home.HomeLink;
import dev.ssi.daemon.home.HomeJob;
import dev.ssi.daemon.home.HomeOutput;
import dev.ssi.daemon.home.LocalHomeLink;
import dev.ssi.daemon.home.RemoteHomeLink;
import dev.ssi.daemon.job.HostedJob;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.JobSpec;
import dev.ssi.daemon.job.RunningJob;
import dev.ssi.daemon.migration.MigrationException;
import dev.ssi.daemon.migration.MigrationSource;
import dev.ssi.daemon.migration.MigrationTarget;
import dev.ssi.daemon.migration.PeerMessages.Move;
import dev.ssi.daemon.migration.PeerMessages.Moved;
import dev.ssi.daemon.migration.PeerMessages.Offer;
import dev.ssi.daemon.migration.PeerMessages.Signal;
import dev.ssi.daemon.migration.PeerProtocol;
import dev.ssi.transport.MessageHandler;
import dev.ssi.transport.MessageType;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.Peer;
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
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * One node of the pool: the home of the jobs submitted here, the host of the jobs running here,
 * and both ends of their migrations. Output of a job comes home wherever the job runs.
 */
public final class Node implements AutoCloseable {
    private final TransportNode transport;
    private final Criu criu;
    private final Path shim;
    private final ExecutorService work = Executors.newCachedThreadPool(daemonThreads("ssi-work"));
    private final Map<NodeId, InetSocketAddress> directory = new ConcurrentHashMap<>();
    private final Map<JobId, HostedJob> hosted = new ConcurrentHashMap<>();
    private final Map<JobId, HomeJob> homed = new ConcurrentHashMap<>();
    private final AtomicLong jobNumbers = new AtomicLong();
    private final MigrationSource source;
    private final int maxGuests;
    private volatile Predicate<JobId> admitsGuest = job -> true;

    /** A job running here, as the scheduler needs to know it: {@code root} is its pid 1 (0 once it has ended). */
    public record Hosted(JobId job, NodeId home, int epoch, int root) {}

    private Node(TransportNode transport, Criu criu, Path shim, Path state, int maxGuests) throws CriuException {
        this.transport = transport;
        this.criu = criu;
        this.shim = shim;
        this.maxGuests = maxGuests;
        this.source = new MigrationSource(criu, state.resolve("outgoing"), criu.fingerprint().cpuinfoImage());
        new MigrationTarget(criu, state.resolve("incoming"), work, this::hasRoomFor, this::arrived)
                .register(transport);
        transport.onMessage(PeerProtocol.OUTPUT, (from, m) -> home(m.getJob()).output().chunk(m.getEpoch(),
                m.getSeq(), m.getData().toByteArray()));
        transport.onMessage(PeerProtocol.OUTPUT_END, (from, m) -> home(m.getJob()).output().end(m.getEpoch(),
                m.getChunks()));
        transport.onMessage(PeerProtocol.EXIT, (from, m) -> home(m.getJob()).output().exited(m.getEpoch(),
                m.getSignal() != 0 ? ExitStatus.killedBy(m.getSignal()) : ExitStatus.exited(m.getCode())));
        transport.onMessage(PeerProtocol.ARRIVED, (from, m) -> home(m.getJob()).arrived(from, m.getEpoch(),
                Instant.now()));
        transport.onCall(PeerProtocol.MOVE, (from, m) -> CompletableFuture.supplyAsync(() -> {
            try {
                return migrate(new JobId(m.getJob()), NodeId.of(m.getDestination()));
            } catch (MigrationException e) {
                throw new RefusedException(e.getMessage());
            }
        }, work));
        transport.onMessage(PeerProtocol.SIGNAL, (from, m) -> signalHere(new JobId(m.getJob()), m.getSignal()));
    }

    public static Node start(NodeIdentity identity, TransportConfig config, Criu criu, Path shim, Path state,
            int maxGuests) throws IOException, CriuException, InterruptedException {
        Files.createDirectories(state.resolve("outgoing"));
        Files.createDirectories(state.resolve("incoming"));
        TransportNode transport = TransportNode.start(identity, config);
        try {
            return new Node(transport, criu, shim, state, maxGuests);
        } catch (CriuException | RuntimeException e) {
            transport.close();
            throw e;
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
        return hosted.values().stream()
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

    /** Starts a job here, its home; its output goes to {@code out}. */
    public JobId submit(JobSpec spec, String user, OutputStream out) throws IOException {
        JobId job = JobId.of(id().value(), jobNumbers.incrementAndGet());
        RunningJob running = RunningJob.launch(shim, spec);
        homed.put(job, new HomeJob(job, spec.argv(), user, id(), Instant.now(), new HomeOutput(out)));
        hosted.put(job, HostedJob.host(job, id(), 0, spec.argv(), running, linkTo(id()), () -> hosted.remove(job)));
        return job;
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
        NodeId where = homeJob(job).where();
        if (where.equals(id())) {
            return migrate(job, destination);
        }
        Peer host = connect(where);
        try {
            return host.call(PeerProtocol.MOVE, Move.newBuilder().setJob(job.value()).setDestination(destination.value())
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
     * the job in mid-migration is lost (the journal issue makes that window safe).
     */
    public void signal(JobId job, int signal) throws IOException {
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
        HostedJob hostedJob = hosted.get(job);
        if (hostedJob != null) {
            try {
                hostedJob.running().signal(signal);
            } catch (IOException ignored) {
                // It ended meanwhile; its exit is on its way home.
            }
        }
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
        HostedJob hostedJob = hosted.get(job);
        return hostedJob == null ? java.util.Optional.empty() : hostedJob.running().pinnedBecause();
    }

    /** Whether {@code job} runs on this node now. */
    public boolean runs(JobId job) {
        return hosted.containsKey(job);
    }

    /** Moves a job running here to {@code destination}; on failure it runs on here and the error says why. */
    public Moved migrate(JobId job, NodeId destination) throws MigrationException {
        HostedJob hostedJob = hosted.get(job);
        if (hostedJob == null) {
            throw new MigrationException("no job " + job + " runs on " + id());
        }
        if (destination.equals(id())) {
            throw new MigrationException(job + " already runs on " + destination);
        }
        var pinned = hostedJob.running().pinnedBecause();
        if (pinned.isPresent()) {
            throw new MigrationException(job + " is pinned to " + id() + ": it " + pinned.get());
        }
        Peer peer = connect(destination);
        if (!hosted.remove(job, hostedJob)) {
            throw new MigrationException(job + " is already on its way elsewhere");
        }
        try {
            return source.migrate(hostedJob, peer);
        } catch (MigrationException e) {
            hosted.put(job, hostedJob);
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

    private boolean hasRoomFor(JobId job) {
        boolean comingHome = job.value().startsWith(id().value() + "/");
        return comingHome || (guestCount() < maxGuests && admitsGuest.test(job));
    }

    private int guestCount() {
        return (int) hosted.values().stream().filter(j -> !j.home().equals(id())).count();
    }

    private void arrived(Offer offer, RunningJob running) {
        JobId job = new JobId(offer.getJob());
        NodeId home = NodeId.of(offer.getHome());
        HomeLink link = linkTo(home);
        hosted.put(job, HostedJob.host(job, home, offer.getEpoch() + 1, offer.getArgvList(), running, link,
                () -> hosted.remove(job)));
        link.arrived(job, id(), offer.getEpoch() + 1);
    }

    private HomeJob home(String job) {
        return homeJob(new JobId(job));
    }

    private HomeLink linkTo(NodeId home) {
        return home.equals(id()) ? new LocalHomeLink(homed) : new RemoteHomeLink(home, this::connectQuietly);
    }

    private CompletableFuture<Peer> connectQuietly(NodeId node) {
        InetSocketAddress address = directory.get(node);
        return address == null
                ? CompletableFuture.failedFuture(new IllegalStateException("unknown node " + node))
                : transport.connect(node, address);
    }

    @Override
    public void close() {
        hosted.values().forEach(j -> {
            try {
                j.running().kill();
            } catch (IOException ignored) {
                // Already gone.
            }
        });
        transport.close();
        work.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
