package dev.ssi.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Random pools under random event sequences, run the way the daemon runs the scheduler: every
 * decision is offered to its destination's {@link Admission}, information is as stale as the
 * last gossip left it. Whatever happens, no job is lost or duplicated, no node holds more guests
 * than its cap, pinned jobs stay home, and a node whose owner is back takes no guest.
 */
class PoolPropertiesTest {
    private static final MigrationPolicy POLICY = MigrationPolicy.defaults();
    private static final TransferCost COST = TransferCost.lanDefaults();

    sealed interface Action permits Submit, Run, Balance, OwnerBack, OwnerGone, Finish, Gossip {
        void applyTo(Pool pool);
    }

    record Submit(int node, long memoryMiB, boolean pinned) implements Action {
        public void applyTo(Pool pool) {
            pool.submit(pool.host(node), memoryMiB << 20, pinned);
        }
    }

    record Run(int seconds) implements Action {
        public void applyTo(Pool pool) {
            pool.run(seconds);
        }
    }

    record Balance(int node) implements Action {
        public void applyTo(Pool pool) {
            pool.balance(pool.host(node));
        }
    }

    record OwnerBack(int node) implements Action {
        public void applyTo(Pool pool) {
            pool.ownerBack(pool.host(node));
        }
    }

    record OwnerGone(int node) implements Action {
        public void applyTo(Pool pool) {
            pool.ownerGone(pool.host(node));
        }
    }

    record Finish(int pick) implements Action {
        public void applyTo(Pool pool) {
            pool.finish(pick);
        }
    }

    record Gossip() implements Action {
        public void applyTo(Pool pool) {
            pool.gossip();
        }
    }

    @Property(tries = 300)
    void jobsAreNeverLostOrDuplicatedAndCapsAndOwnersAlwaysHold(
            @ForAll @IntRange(min = 2, max = 7) int nodes, @ForAll("actions") List<Action> actions,
            @ForAll long seed) {
        Pool pool = new Pool(nodes, seed);
        for (Action action : actions) {
            action.applyTo(pool);
            pool.checkInvariants();
        }
    }

    @Provide
    Arbitrary<List<Action>> actions() {
        Arbitrary<Integer> node = Arbitraries.integers().between(0, 6);
        Arbitrary<Action> action = Arbitraries.frequencyOf(
                Tuple.of(5, Combinators.combine(node, Arbitraries.longs().between(1, 6000),
                        Arbitraries.of(false, false, false, true)).as(Submit::new)),
                Tuple.of(3, Arbitraries.integers().between(1, 600).map(Run::new)),
                Tuple.of(5, node.map(Balance::new)),
                Tuple.of(1, node.map(OwnerBack::new)),
                Tuple.of(1, node.map(OwnerGone::new)),
                Tuple.of(2, Arbitraries.integers().between(0, 1000).map(Finish::new)),
                Tuple.of(2, Arbitraries.just(new Gossip())));
        return action.list().ofMaxSize(80);
    }

    /** A tiny pool, exact in its own state and stale in what nodes know of each other. */
    static final class Pool {
        private final List<Host> hosts = new ArrayList<>();
        private final Map<JobName, Integer> submitted = new LinkedHashMap<>();
        private final Map<JobName, JobInfo> jobs = new HashMap<>();
        private final SplittableRandom random;
        private List<LoadVector> gossiped = List.of();
        private long now;
        private int next;

        Pool(int count, long seed) {
            random = new SplittableRandom(seed);
            for (int i = 0; i < count; i++) {
                hosts.add(new Host(new NodeName("n" + i), 1 + random.nextInt(4), 0.6 + 0.2 * random.nextInt(5),
                        random.nextInt(4), (4L + 4 * random.nextInt(3)) << 30));
            }
            gossip();
        }

        Host host(int index) {
            return hosts.get(index % hosts.size());
        }

        void submit(Host home, long memory, boolean pinned) {
            JobInfo job = new JobInfo(new JobName("j" + next++), "alice", home.id, pinned, 0, 1, memory, 0, now);
            submitted.put(job.id(), 1);
            jobs.put(job.id(), job);
            NodeName start = new StartPlacement(POLICY).choose(job, home.state(jobs), view(home), random)
                    .orElse(home.id);
            if (start.equals(home.id) || !offer(job, byId(start))) {
                home.running.add(job.id());
            }
        }

        void run(int seconds) {
            now += seconds * 1000L;
            jobs.replaceAll((id, job) -> new JobInfo(id, job.user(), job.home(), job.pinned(),
                    job.workDoneSeconds() + seconds * 0.5, job.cpuFraction(), job.memoryBytes(), job.migrations(),
                    job.residentSinceMillis()));
        }

        void balance(Host host) {
            NodeState state = host.state(jobs);
            List<Decision> decisions = new Balancer(POLICY).decide(state, view(host), COST, now, random);
            Set<JobName> named = new HashSet<>();
            for (Decision decision : decisions) {
                assertTrue(named.add(decision.job()), "a job decided twice in one round");
                assertTrue(host.running.contains(decision.job()), "a decision about a job not here");
                assertFalse(jobs.get(decision.job()).pinned(), "a pinned job was chosen");
                assertFalse(decision.destination().equals(host.id), "a move to where it is");
                JobInfo job = jobs.get(decision.job());
                if (offer(job, byId(decision.destination()))) {
                    host.running.remove(job.id());
                }
            }
        }

        void ownerBack(Host host) {
            host.ownerBack = true;
            NodeState state = host.state(jobs);
            for (EvacuationStep step : new Evacuator(POLICY).plan(state, view(host), COST, random)) {
                assertFalse(jobs.get(step.job()).home().equals(host.id), "an owner's own job was evacuated");
                host.running.remove(step.job());
                boolean moved = step instanceof EvacuationStep.Move move && offer(jobs.get(step.job()), byId(move.destination()));
                if (!moved) {
                    host.frozen.add(step.job());
                }
            }
        }

        void ownerGone(Host host) {
            host.ownerBack = false;
            host.running.addAll(host.frozen);
            host.frozen.clear();
        }

        void finish(int pick) {
            List<Host> busy = hosts.stream().filter(h -> !h.running.isEmpty()).toList();
            if (!busy.isEmpty()) {
                Host host = busy.get(pick % busy.size());
                JobName done = host.running.remove(pick % host.running.size());
                submitted.remove(done);
                jobs.remove(done);
            }
        }

        void gossip() {
            gossiped = hosts.stream().map(h -> h.vector(jobs)).toList();
        }

        private PoolView view(Host self) {
            return new PoolView(gossiped.stream().filter(v -> !v.node().equals(self.id))
                    .map(v -> new PeerInfo(v, 500)).toList());
        }

        /** The destination's own check; on yes the job lands there, moved once more. */
        private boolean offer(JobInfo job, Host destination) {
            if (!Admission.check(destination.vector(jobs), job).accepted()) {
                return false;
            }
            assertFalse(destination.ownerBack && !job.home().equals(destination.id),
                    "a node whose owner is back took a guest");
            JobInfo moved = new JobInfo(job.id(), job.user(), job.home(), job.pinned(), job.workDoneSeconds(),
                    job.cpuFraction(), job.memoryBytes(), job.migrations() + 1, now);
            jobs.put(job.id(), moved);
            destination.running.add(job.id());
            return true;
        }

        private Host byId(NodeName id) {
            return hosts.stream().filter(h -> h.id.equals(id)).findFirst().orElseThrow();
        }

        void checkInvariants() {
            Map<JobName, Integer> placed = new HashMap<>();
            for (Host host : hosts) {
                for (JobName job : host.running) {
                    placed.merge(job, 1, Integer::sum);
                }
                for (JobName job : host.frozen) {
                    placed.merge(job, 1, Integer::sum);
                }
                long guests = host.running.stream().filter(j -> !jobs.get(j).home().equals(host.id)).count();
                assertTrue(guests <= host.maxGuests, host.id + " holds " + guests + " guests over its cap");
                for (JobName job : host.running) {
                    assertTrue(!jobs.get(job).pinned() || jobs.get(job).home().equals(host.id), "a pinned job left home");
                }
            }
            assertEquals(submitted, placed, "every job exactly once");
        }
    }

    private static final class Host {
        final NodeName id;
        final int cpus;
        final double speed;
        final int maxGuests;
        final long memory;
        final List<JobName> running = new ArrayList<>();
        final List<JobName> frozen = new ArrayList<>();
        boolean ownerBack;

        Host(NodeName id, int cpus, double speed, int maxGuests, long memory) {
            this.id = id;
            this.cpus = cpus;
            this.speed = speed;
            this.maxGuests = maxGuests;
            this.memory = memory;
        }

        LoadVector vector(Map<JobName, JobInfo> jobs) {
            int home = (int) running.stream().filter(j -> jobs.get(j).home().equals(id)).count();
            long used = running.stream().mapToLong(j -> jobs.get(j).memoryBytes()).sum();
            GuestOffer offer = new GuestOffer(!ownerBack, maxGuests, 0.1, 4L << 30, Set.of());
            return new LoadVector(id, cpus, speed, home, running.size() - home, 0, ownerBack,
                    Math.max(0, memory - used), memory, offer, Health.OK);
        }

        NodeState state(Map<JobName, JobInfo> jobs) {
            return new NodeState(vector(jobs), running.stream().map(jobs::get).toList());
        }
    }
}
