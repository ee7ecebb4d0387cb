package dev.ssi.scheduler.sim;

import dev.ssi.scheduler.Admission;
import dev.ssi.scheduler.CpuShares;
import dev.ssi.scheduler.JobName;
import dev.ssi.scheduler.JobInfo;
import dev.ssi.scheduler.NodeName;
import dev.ssi.scheduler.NodeState;
import dev.ssi.scheduler.PoolView;
import dev.ssi.scheduler.gossip.GossipMessage;
import dev.ssi.scheduler.gossip.GossipSend;
import dev.ssi.scheduler.gossip.GossipWindow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A deterministic discrete-event run of one {@link Strategy} over a {@link Trace}. Nodes run
 * their jobs by processor sharing ({@link CpuShares}); gossip rounds, balancing rounds, owner
 * changes, arrivals, completions and the ends of moves are the events. Every move is first
 * offered to its destination's {@link Admission} against the destination's true state.
 */
public final class ClusterSimulation {
    private enum Kind { ARRIVAL, OWNER_CHANGE, COMPLETION, LANDING, GOSSIP, BALANCE }

    private record Event(double time, long sequence, Kind kind, SimNode node, SimJob job, long version) {
    }

    private static final double DONE_EPSILON = 1e-7;

    private final SimConfig config;
    private final Trace trace;
    private final Strategy strategy;
    private final RandomGenerator random;
    private final List<SimNode> nodes = new ArrayList<>();
    private final Map<NodeName, SimNode> byId = new HashMap<>();
    private final PriorityQueue<Event> events = new PriorityQueue<>(
            Comparator.comparingDouble(Event::time).thenComparingLong(Event::sequence));
    private final double[] response;
    private long sequence;
    private double now;
    private int nextArrival;
    private int nextOwnerChange;
    private int done;
    private long migrations;
    private long remoteStarts;
    private long freezes;
    private double bytesMoved;

    ClusterSimulation(SimConfig config, Trace trace, Strategy strategy) {
        this.config = config;
        this.trace = trace;
        this.strategy = strategy;
        this.random = new SplittableRandom(config.seed() ^ 0x5eed);
        this.response = new double[trace.arrivals().size()];
        List<NodeName> ids = trace.nodes().stream().map(node -> new NodeName("n" + node.index())).toList();
        for (Trace.Node spec : trace.nodes()) {
            NodeName id = ids.get(spec.index());
            GossipWindow window = strategy.usesGossip()
                    ? new GossipWindow(id, config.gossip(), seeds(ids, spec.index()))
                    : null;
            SimNode node = new SimNode(spec, id, window, trace.guestCpusWhileOwnerActive());
            node.evacuatesOnReclaim = strategy.evacuatesOnReclaim();
            nodes.add(node);
            byId.put(id, node);
        }
    }

    public static Outcome run(SimConfig config, Trace trace, Strategy strategy) {
        return new ClusterSimulation(config, trace, strategy).run();
    }

    private Outcome run() {
        scheduleNextArrival();
        scheduleNextOwnerChange();
        if (strategy.usesGossip()) {
            schedule(0, Kind.GOSSIP, null, null, 0);
        }
        schedule(config.balanceIntervalSeconds(), Kind.BALANCE, null, null, 0);
        while (done < response.length) {
            Event event = events.poll();
            now = event.time();
            switch (event.kind()) {
                case ARRIVAL -> arrive(trace.arrivals().get(nextArrival++));
                case OWNER_CHANGE -> ownerChange(trace.ownerChanges().get(nextOwnerChange++));
                case COMPLETION -> complete(event.node(), event.version());
                case LANDING -> land(event.job(), event.node());
                case GOSSIP -> gossipRound();
                case BALANCE -> balanceRound();
            }
        }
        double[] work = trace.arrivals().stream().mapToDouble(Trace.Arrival::work).toArray();
        return new Outcome(strategy.name(), config.load(), work, response, now, migrations, remoteStarts,
                freezes, bytesMoved);
    }

    // ---- what strategies see and do ----

    RandomGenerator random() {
        return random;
    }

    long nowMillis() {
        return Math.round(now * 1000);
    }

    SimConfig config() {
        return config;
    }

    List<SimNode> nodes() {
        return nodes;
    }

    SimNode node(NodeName id) {
        return byId.get(id);
    }

    PoolView view(SimNode node) {
        return node.window.view(nowMillis());
    }

    NodeState state(SimNode node) {
        List<JobInfo> jobs = new ArrayList<>(node.running.size());
        for (SimJob job : node.running) {
            jobs.add(job.info());
        }
        return new NodeState(node.vector(), jobs);
    }

    SimJob job(SimNode node, JobName id) {
        for (SimJob job : node.running) {
            if (job.id.equals(id)) {
                return job;
            }
        }
        for (SimJob job : node.frozen) {
            if (job.id.equals(id)) {
                return job;
            }
        }
        throw new IllegalStateException("no job " + id + " on " + node.id);
    }

    /**
     * Offers a running or frozen job to {@code destination}; if admitted, freezes it for as long
     * as the transfer takes. Returns whether it moves.
     */
    boolean migrate(SimJob job, SimNode destination) {
        if (!admit(job, destination)) {
            return false;
        }
        SimNode source = job.node;
        detach(job);
        migrations++;
        bytesMoved += job.memory();
        if (source.window != null) {
            source.window.noteDispatched(destination.id, job.info());
        }
        dispatch(job, destination, config.transfer().seconds(job.memory(), destination.id));
        return true;
    }

    void freeze(SimJob job) {
        SimNode node = job.node;
        detach(job);
        node.frozen.add(job);
        job.state = SimJob.State.FROZEN;
        freezes++;
    }

    // ---- events ----

    private void arrive(Trace.Arrival arrival) {
        SimNode home = nodes.get(arrival.home());
        SimJob job = new SimJob(arrival, home.id);
        job.node = home;
        SimNode start = strategy.placeAtStart(this, home, job);
        if (start != home && admit(job, start)) {
            remoteStarts++;
            if (home.window != null) {
                home.window.noteDispatched(start.id, job.info());
            }
            dispatch(job, start, config.policy().remoteStartSeconds());
        } else {
            startOn(home, job);
        }
        scheduleNextArrival();
    }

    private void ownerChange(Trace.OwnerChange change) {
        SimNode node = nodes.get(change.node());
        advance(node);
        node.ownerPresent = change.present();
        reschedule(node);
        if (change.present()) {
            strategy.reclaimed(this, node);
        } else {
            for (SimJob job : List.copyOf(node.frozen)) {
                node.frozen.remove(job);
                startOn(node, job);
            }
        }
        scheduleNextOwnerChange();
    }

    private void complete(SimNode node, long version) {
        if (version != node.version) {
            return;
        }
        advance(node);
        for (SimJob job : List.copyOf(node.running)) {
            if (job.remaining <= DONE_EPSILON * Math.max(1, job.arrival.work())) {
                node.running.remove(job);
                job.state = SimJob.State.DONE;
                response[job.arrival.id()] = now - job.arrival.time();
                done++;
            }
        }
        reschedule(node);
    }

    private void land(SimJob job, SimNode destination) {
        destination.inbound--;
        destination.inboundMemory -= job.memory();
        startOn(destination, job);
    }

    private void gossipRound() {
        long millis = nowMillis();
        for (SimNode node : nodes) {
            node.window.updateSelf(node.vector(), millis);
        }
        for (SimNode node : nodes) {
            for (GossipSend send : node.window.tick(millis, random)) {
                deliver(send.message(), byId.get(send.to()), millis);
            }
        }
        schedule(now + config.gossip().intervalMillis() / 1000.0, Kind.GOSSIP, null, null, 0);
    }

    private void balanceRound() {
        strategy.balance(this);
        schedule(now + config.balanceIntervalSeconds(), Kind.BALANCE, null, null, 0);
    }

    // ---- mechanics ----

    private void deliver(GossipMessage message, SimNode to, long millis) {
        to.window.receive(message, millis);
    }

    private boolean admit(SimJob job, SimNode destination) {
        return destination != job.node && Admission.check(destination.vector(), job.info()).accepted();
    }

    private void dispatch(SimJob job, SimNode destination, double delay) {
        destination.inbound++;
        destination.inboundMemory += job.memory();
        job.state = SimJob.State.MOVING;
        job.node = destination;
        schedule(now + delay, Kind.LANDING, destination, job, 0);
    }

    private void detach(SimJob job) {
        SimNode node = job.node;
        if (job.state == SimJob.State.FROZEN) {
            node.frozen.remove(job);
            return;
        }
        advance(node);
        node.running.remove(job);
        reschedule(node);
    }

    private void startOn(SimNode node, SimJob job) {
        advance(node);
        node.running.add(job);
        job.node = node;
        job.state = SimJob.State.RUNNING;
        job.residentSince = now;
        reschedule(node);
    }

    /** Brings the remaining work of the node's jobs up to now at the rates they had. */
    private void advance(SimNode node) {
        double elapsed = now - node.lastAdvance;
        node.lastAdvance = now;
        if (elapsed <= 0 || node.running.isEmpty()) {
            return;
        }
        CpuShares shares = CpuShares.of(node.runningVector());
        for (SimJob job : node.running) {
            job.remaining -= node.rate(job, shares) * elapsed;
        }
    }

    private void reschedule(SimNode node) {
        node.version++;
        if (node.running.isEmpty()) {
            return;
        }
        CpuShares shares = CpuShares.of(node.runningVector());
        double soonest = Double.POSITIVE_INFINITY;
        for (SimJob job : node.running) {
            double rate = node.rate(job, shares);
            if (rate > 0) {
                soonest = Math.min(soonest, Math.max(0, job.remaining) / rate);
            }
        }
        if (soonest < Double.POSITIVE_INFINITY) {
            schedule(now + soonest, Kind.COMPLETION, node, null, node.version);
        }
    }

    private void scheduleNextArrival() {
        if (nextArrival < trace.arrivals().size()) {
            schedule(trace.arrivals().get(nextArrival).time(), Kind.ARRIVAL, null, null, 0);
        }
    }

    private void scheduleNextOwnerChange() {
        if (nextOwnerChange < trace.ownerChanges().size()) {
            schedule(trace.ownerChanges().get(nextOwnerChange).time(), Kind.OWNER_CHANGE, null, null, 0);
        }
    }

    private void schedule(double time, Kind kind, SimNode node, SimJob job, long version) {
        events.add(new Event(time, sequence++, kind, node, job, version));
    }

    private static List<NodeName> seeds(List<NodeName> ids, int index) {
        return List.of(ids.get((index + 1) % ids.size()), ids.get((index + ids.size() / 2) % ids.size()));
    }
}
