package dev.ssi.daemon.node;

import dev.ssi.checkpoint.Criu;
import dev.ssi.checkpoint.CriuException;
import dev.ssi.checkpoint.os.OwnerOnly;
import dev.ssi.daemon.confine.Confinement;
import dev.ssi.daemon.confine.GuestsConfig;
import dev.ssi.daemon.directory.PeerDirectory;
import dev.ssi.daemon.home.HomeSide;
import dev.ssi.daemon.home.SpoolLimit;
import dev.ssi.daemon.host.HostSide;
import dev.ssi.daemon.job.DescriptorKeeper;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.Owner;
import dev.ssi.daemon.journal.Journal;
import dev.ssi.daemon.journal.JournalDamage;
import dev.ssi.daemon.journal.JournalState;
import dev.ssi.daemon.peer.HomeBound;
import dev.ssi.daemon.peer.HostBound;
import dev.ssi.daemon.peer.TargetBound;
import dev.ssi.transport.MessageHandler;
import dev.ssi.transport.MessageType;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.connection.TransportConfig;
import dev.ssi.transport.connection.TransportNode;
import dev.ssi.transport.trust.NodeIdentity;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One node of the pool, wired: the home of the jobs submitted here ({@link HomeSide}), the host
 * of the jobs running here ({@link HostSide}), and the directory of the other nodes. What it hosts
 * and every migration step is journaled; a restarted node takes its jobs over again, and only
 * then answers its peers.
 */
public final class Node implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Node.class.getName());
    private static final long TICK_MILLIS = 1000;

    private final TransportNode transport;
    private final Journal journal;
    private final DescriptorKeeper keeper;
    private final Confinement confinement;
    private final NodeTimer timer = new NodeTimer();
    private final PeerDirectory directory;
    private final HostSide host;
    private final HomeSide home;

    private Node(TransportNode transport, Criu criu, Path shim, Path state, Confinement confinement, Journal journal,
            DescriptorKeeper keeper, SpoolLimit outputSpool) throws CriuException, IOException {
        this.transport = transport;
        this.journal = journal;
        this.keeper = keeper;
        this.confinement = confinement;
        this.directory = new PeerDirectory(transport, PeerDirectory.CAPACITY);
        this.host = new HostSide(directory, criu, shim, state, journal, keeper, confinement, timer,
                outbox -> home().localLink(outbox), new HostSide.HomeView() {
                    @Override
                    public boolean runsOn(JobId job, NodeId node) {
                        return home().runsOn(job, node);
                    }

                    @Override
                    public Optional<Owner> ownerOf(JobId job) {
                        return home().ownerOf(job);
                    }
                });
        this.home = new HomeSide(directory, journal, host, timer, state.resolve("spool").resolve("home"), outputSpool);
    }

    /** Starts a node that knows no other node yet; see the other {@code start}. */
    public static Node start(NodeIdentity identity, TransportConfig config, Criu criu, Path shim, Path state,
            GuestsConfig guests) throws IOException, CriuException, InterruptedException {
        return start(identity, config, criu, shim, state, guests, Map.of());
    }

    /** Starts a node whose home keeps the default {@link SpoolLimit} of output for each job; see the other {@code start}. */
    public static Node start(NodeIdentity identity, TransportConfig config, Criu criu, Path shim, Path state,
            GuestsConfig guests, Map<NodeId, InetSocketAddress> peers)
            throws IOException, CriuException, InterruptedException {
        return start(identity, config, criu, shim, state, guests, SpoolLimit.DEFAULT, peers);
    }

    /**
     * Starts the node on {@code state}, knowing where {@code peers} listen: replays its journal,
     * takes back from its keeper the pipes of the jobs it hosted before a restart, takes those
     * jobs over, and only then answers peers. Guest jobs run on the host owner's {@code guests}
     * terms; home keeps at most {@code outputSpool} of each job's output for its ssi-run.
     */
    public static Node start(NodeIdentity identity, TransportConfig config, Criu criu, Path shim, Path state,
            GuestsConfig guests, SpoolLimit outputSpool, Map<NodeId, InetSocketAddress> peers)
            throws IOException, CriuException, InterruptedException {
        OwnerOnly.directories(state.resolve("outgoing"));
        OwnerOnly.directories(state.resolve("incoming"));
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
            node = new Node(transport, criu, shim, state, confinement, journal, keeper, outputSpool);
        } catch (CriuException | RuntimeException e) {
            confinement.close();
            transport.close();
            keeper.close();
            journal.close();
            throw e;
        }
        peers.forEach(node.directory::introduce);
        node.recover(replayed);
        node.serve();
        return node;
    }

    /** Home first (so that output its jobs send during the host's recovery finds them), then host. */
    private void recover(JournalState replayed) throws IOException {
        home.recover(replayed);
        host.recover(replayed);
    }

    /** From here on peers are answered: every role has its jobs back. */
    private void serve() {
        TargetBound.register(transport, host.target());
        HostBound.register(transport, host);
        HomeBound.register(transport, home);
        timer.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Once a second; a failure is logged, never let through (it would cancel every later tick). */
    private void tick() {
        try {
            host.tick();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "timer tick failed: " + e, e);
        }
    }

    /** What the journal's replay skipped when this node started, and the jobs that leaves unaccounted for. */
    public JournalDamage journalDamage() {
        return journal.damage();
    }

    public NodeId id() {
        return transport.id();
    }

    public InetSocketAddress address() {
        return transport.address();
    }

    /** The home of the jobs submitted here. */
    public HomeSide home() {
        return home;
    }

    /** The host of the jobs running here. */
    public HostSide host() {
        return host;
    }

    /** The other nodes of the pool, by name. */
    public PeerDirectory directory() {
        return directory;
    }

    /** Handles messages of {@code type} that are none of the roles' (the scheduler's gossip), on transport's handler threads. */
    public <T> void onMessage(MessageType<T> type, MessageHandler<T> handler) {
        transport.onMessage(type, handler);
    }

    /** Stops serving and kills the jobs it hosts; its keeper, holding nothing more, ends. */
    @Override
    public void close() {
        host.close();
        timer.shutdownNow();
        try {
            keeper.releaseAll();
        } catch (IOException ignored) {
            // The keeper is gone already.
        }
        transport.close();
        keeper.close();
        journal.close();
        confinement.close();
    }
}
