package dev.ssi.daemon.balance;

import dev.ssi.daemon.balance.BalanceMessages.Gossip;
import dev.ssi.daemon.balance.BalanceMessages.History;
import dev.ssi.daemon.balance.load.CpuSpeed;
import dev.ssi.daemon.balance.load.Ids;
import dev.ssi.daemon.balance.load.JobMeter;
import dev.ssi.daemon.balance.load.LoadMeter;
import dev.ssi.daemon.balance.load.Scope;
import dev.ssi.daemon.concurrent.Threads;
import dev.ssi.daemon.confine.GuestsConfig;
import dev.ssi.daemon.control.PoolControls;
import dev.ssi.daemon.job.JobHere;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.migration.FrozenJobs;
import dev.ssi.daemon.node.Node;
import dev.ssi.daemon.peer.PeerProtocol;
import dev.ssi.scheduler.EvacuationStep;
import dev.ssi.scheduler.Evacuator;
import dev.ssi.scheduler.GuestPolicy;
import dev.ssi.scheduler.HostMode;
import dev.ssi.scheduler.JobInfo;
import dev.ssi.scheduler.NodeName;
import dev.ssi.scheduler.NodeState;
import dev.ssi.scheduler.ReclaimRules;
import dev.ssi.transport.MessageType;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The pool balancing itself, on one node: every gossip interval it measures the node's load,
 * sends it with the freshest news it has to a few random peers, and — every balancing interval
 * — plans which of its jobs should run elsewhere and has the {@link Mover} carry that out. It
 * learns nodes it was never configured with from the gossip that mentions them. While the host
 * is reclaimed ({@link Reclaim}) it gossips that it takes no guests, and each round sends the
 * guests it still has to the best other nodes ({@link Evacuator}); what none takes, or what is
 * still here at the deadline, goes to its home to be kept frozen there. As a home, it thaws its
 * frozen jobs once a node (itself first) takes them.
 *
 * <p>The gossip itself, and the addresses it teaches, are {@link PoolGossip}'s. One scheduled
 * thread owns the gossip window, the address book and the meters; messages from
 * peers are handed to it, and sends never block it. Migrations run on the mover's thread.
 *
 * <p>A little over 300 lines on purpose: what is left is the round and the decisions it takes
 * (thaw, evacuate, balance), which share the latest measurement, the mover's state and the one
 * thread; they read best in the order a round takes them.
 */
public final class Balance implements PoolControls, AutoCloseable {
    public static final MessageType<Gossip> GOSSIP = new MessageType<>("balance.gossip", PeerProtocol.codec(Gossip.parser()));
    public static final MessageType<History> HISTORY = new MessageType<>("balance.history",
            PeerProtocol.codec(History.parser()));
    private static final System.Logger LOG = System.getLogger(Balance.class.getName());

    private final Node node;
    private final BalanceConfig config;
    private final NodeName self;
    private final PoolGossip gossip;
    private final JobHistory history = new JobHistory();
    private final LoadMeter meter;
    private final Rebalancer rebalancer;
    private final MoveCosts costs;
    private final Mover mover;
    private final Reclaim reclaim;
    private volatile ReclaimConfig reclaimConfig;
    private final Evacuator evacuator;
    private final SplittableRandom random = new SplittableRandom();
    private final ScheduledExecutorService thread = Threads.timer("ssi-balance");
    private volatile NodeState latest;
    private volatile HostMode mode = HostMode.OPEN;
    private long measuredAtNanos;
    private long balancedAtNanos = System.nanoTime();

    private Balance(Node node, BalanceConfig config, Map<String, InetSocketAddress> peers) {
        this.node = node;
        this.config = config;
        this.self = Ids.scheduler(node.id());
        this.gossip = new PoolGossip(node, self, config, peers);
        double speed = config.cpuSpeed().orElseGet(CpuSpeed::calibrate);
        ReclaimRules r = ReclaimRules.defaults();
        ReclaimRules rules = new ReclaimRules(config.reclaim().ownerLoadThreshold(), r.inputIdleMillis(),
                r.evacuateOnOwnerReturn(), config.reclaim().deadline().toMillis());
        this.meter = new LoadMeter(self, Scope.named(config.loadScope()), speed, () -> policy(node.host().guestTerms(), rules),
                new JobMeter(speed, history::carried, job -> node.host().pinnedBecause(job).isPresent()));
        this.rebalancer = new Rebalancer(config.policy(), config.startPlacement());
        this.costs = new MoveCosts(config.linkBytesPerSecond());
        this.mover = new Mover(node, HISTORY, costs);
        this.reclaimConfig = config.reclaim();
        this.reclaim = new Reclaim(config.reclaim());
        this.evacuator = new Evacuator(config.policy());
    }

    /**
     * Starts gossiping and balancing for {@code node}; its offer is the host owner's terms for
     * guests ({@code guests.*}) as they are at each round.
     *
     * @param peers the configured peers, the seeds of gossip
     */
    public static Balance start(Node node, BalanceConfig config, Map<String, InetSocketAddress> peers) {
        Balance balance = new Balance(node, config, peers);
        node.onMessage(GOSSIP, (from, gossip) -> balance.thread.execute(() -> balance.gossip.received(from, gossip)));
        node.onMessage(HISTORY, (from, h) -> {
            balance.history.arrived(new JobId(h.getJob()), h.getWorkSeconds(), System.nanoTime());
            if (h.getImageBytes() >= 0 && Double.isFinite(h.getFrozenSeconds())) {
                balance.costs.moved(Ids.scheduler(from), h.getImageBytes(), h.getFrozenSeconds());
            }
        });
        node.host().admitGuestsOnlyIf(job -> balance.acceptingGuests());
        balance.thread.scheduleWithFixedDelay(balance::round, 0, config.gossip().intervalMillis(), TimeUnit.MILLISECONDS);
        return balance;
    }

    /**
     * The scheduler's view of the terms: guests get {@code guests.cpu-max} while the owner works
     * (the scheduler's default where there is no hard quota), at most {@code guests.memory-max}.
     */
    private static GuestPolicy policy(GuestsConfig terms, ReclaimRules rules) {
        GuestPolicy d = GuestPolicy.defaults();
        return new GuestPolicy(terms.nice(), terms.cpuWeight(), terms.cpuMax().orElse(d.guestCpusWhileOwnerActive()),
                terms.memoryMax().orElse(Long.MAX_VALUE), terms.maxGuests(), terms.users(), terms.accepting(), rules);
    }

    /** What this node knows of every node, itself first, for {@code ssi nodes}. */
    @Override
    public List<Map<String, Object>> nodes() {
        try {
            return thread.submit(() -> NodesReport.rows(node, latest, mode, reclaim.reasons(), measuredAtNanos, gossip.window(),
                    gossip.addresses(), System.currentTimeMillis())).get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot report the pool's load: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reporting the pool's load");
        }
    }

    /**
     * {@code ssi drain}: reclaims this host now, whatever its owner does, and sends its guests
     * away; {@code false} ({@code ssi undrain}) lets it take guests again once its owner is away.
     */
    @Override
    public Map<String, Object> drain(boolean drain) {
        reclaim.drain(drain);
        thread.execute(this::round);
        return Map.of("node", node.id().value(), "drained", drain);
    }

    @Override
    public Map<String, String> reclaimSettings() {
        return reclaimConfig.settings();
    }

    @Override
    public void checkReclaim(Map<String, String> changes) {
        reclaimConfig.with(changes);
    }

    /** New reclaim rules ({@code ssi host set reclaim.*}): they apply from the next round on. */
    @Override
    public synchronized void changeReclaim(Map<String, String> changes) {
        ReclaimConfig next = reclaimConfig.with(changes);
        reclaimConfig = next;
        thread.execute(() -> reclaim.reconfigure(next));
    }

    /**
     * On SIGTERM: reclaims the host and waits, at most {@code reclaim.stop-timeout}, until no
     * guest runs here any more. Guests still here after that are left to their keepers.
     */
    public void evacuateBeforeStop() {
        reclaim.stopping();
        // Logging is shut down by now (java.util.logging resets at exit): what is said goes to stderr.
        if (hasGuests()) {
            System.err.println("ssid: stopping: sending the guests away first, for at most "
                    + reclaimConfig.stopTimeout().toSeconds() + " s");
        }
        thread.execute(this::round);
        long deadline = System.nanoTime() + reclaimConfig.stopTimeout().toNanos();
        // A guest on its way out is not among the hosted: the mover being busy says it is still here.
        while ((hasGuests() || mover.busy()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (hasGuests()) {
            System.err.println("ssid: stopping with guests still here, left to their keepers: " + node.host().hosted().stream()
                    .filter(h -> !h.home().equals(node.id())).map(h -> h.job().value()).toList());
        }
    }

    private boolean hasGuests() {
        return node.host().hosted().stream().anyMatch(h -> !h.home().equals(node.id()));
    }

    /** Whether this node takes guests now, as its own latest measurement says (the offer it gossips). */
    private boolean acceptingGuests() {
        NodeState state = latest;
        return state == null || state.vector().offer().accepting();
    }

    private void round() {
        try {
            long now = System.currentTimeMillis();
            long startedNanos = System.nanoTime();
            NodeState state = meter.measure(node.host().hosted(), now);
            mode = reclaim.mode(state.vector().ownerLoad(), now);
            if (mode == HostMode.RECLAIMING) {
                state = new NodeState(state.vector().withOffer(state.vector().offer().closed()), state.jobs());
            }
            latest = state;
            measuredAtNanos = startedNanos;
            history.retain(node.host().hosted().stream().map(JobHere::job).collect(Collectors.toSet()), startedNanos);
            gossip.spread(state.vector(), now, random);
            if (!mover.busy() && !node.home().frozen().isEmpty()) {
                thaw(state, now);
            }
            if (mode == HostMode.RECLAIMING) {
                evacuate(state, now);
                return;
            }
            boolean due = startedNanos - balancedAtNanos >= config.interval().toNanos() || rebalancer.hasNewJobs(state);
            if (config.enabled() && due && !mover.busy() && mover.finishedAtNanos() < startedNanos) {
                balancedAtNanos = startedNanos;
                balance(state, now);
            }
        } catch (RuntimeException e) {
            // The next round tries again; a scheduled task that threw would never run again.
            LOG.log(System.Logger.Level.WARNING, "balancing round failed: " + e, e);
        }
    }

    private void evacuate(NodeState state, long now) {
        if (mover.busy() || state.jobs().stream().noneMatch(state::isGuest)) {
            return;
        }
        List<Rebalancer.Move> moves = new ArrayList<>();
        List<JobInfo> toFreeze = new ArrayList<>();
        for (EvacuationStep step : evacuator.plan(state, gossip.window().view(now), costs.current(), random)) {
            JobInfo job = state.jobs().stream().filter(j -> j.id().equals(step.job())).findFirst().orElseThrow();
            if (node.host().pinnedBecause(Ids.daemon(job.id())).isPresent()) {
                continue;
            }
            if (step instanceof EvacuationStep.Move m) {
                moves.add(new Rebalancer.Move(job, m.destination(), "evacuation"));
                gossip.window().noteDispatched(m.destination(), job);
            } else {
                toFreeze.add(job);
            }
        }
        if (!moves.isEmpty() || !toFreeze.isEmpty()) {
            List<String> plan = new ArrayList<>();
            moves.forEach(move -> plan.add(move.job().id() + " to " + move.destination()));
            toFreeze.forEach(job -> plan.add(job.id() + " frozen at " + job.home()));
            LOG.log(System.Logger.Level.INFO, "evacuating " + String.join(", ", plan));
            mover.evacuate(moves, toFreeze, reclaim.evacuationDeadlineMillis());
        }
    }

    /** Thaws a job frozen here, its home, once a node — this one first — takes it; not one its user holds. */
    private void thaw(NodeState state, long now) {
        for (FrozenJobs.FrozenJob frozen : node.home().frozen()) {
            if (frozen.held()) {
                continue;
            }
            JobInfo job = new JobInfo(Ids.scheduler(frozen.job()), userOf(frozen.job()), self, false,
                    history.carried(frozen.job()), 1.0, frozen.imageBytes(), frozen.epoch(), now);
            var where = evacuator.thawAt(job, state.vector(), gossip.window().view(now), costs.current(), random);
            if (where.isPresent()) {
                LOG.log(System.Logger.Level.INFO, "thawing " + frozen.job() + " for " + where.get());
                if (!where.get().equals(self)) {
                    gossip.window().noteDispatched(where.get(), job);
                }
                mover.thaw(job, where.get());
                return;
            }
        }
    }

    private String userOf(dev.ssi.daemon.job.JobId job) {
        try {
            return node.home().homeJob(job).user();
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private void balance(NodeState state, long now) {
        List<Rebalancer.Move> moves = rebalancer.plan(state, gossip.window().view(now), costs.current(), now, random);
        for (Rebalancer.Move move : moves) {
            gossip.window().noteDispatched(move.destination(), move.job());
        }
        if (!moves.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "planned " + moves.stream()
                    .map(move -> move.job().id() + " to " + move.destination()).collect(Collectors.joining(", ")));
            mover.carryOut(moves);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        mover.close();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reclaim.close();
    }
}
