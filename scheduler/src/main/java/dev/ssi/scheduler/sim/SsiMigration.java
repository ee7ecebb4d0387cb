package dev.ssi.scheduler.sim;

import dev.ssi.scheduler.Balancer;
import dev.ssi.scheduler.Decision;
import dev.ssi.scheduler.EvacuationStep;
import dev.ssi.scheduler.Evacuator;
import dev.ssi.scheduler.NodeState;
import java.util.List;

/**
 * ssi: the same start placement as {@link LeastLoadedPlacement}, then preemptive migration by
 * {@link Balancer} every balancing interval, and evacuation by {@link Evacuator} when a host's
 * owner comes back (what cannot leave is frozen, and thawed when the owner leaves again).
 */
final class SsiMigration implements Strategy {
    private final LeastLoadedPlacement start;
    private final Balancer balancer;
    private final Evacuator evacuator;

    SsiMigration(SimConfig config) {
        this.start = new LeastLoadedPlacement(config);
        this.balancer = new Balancer(config.policy());
        this.evacuator = new Evacuator(config.policy());
    }

    @Override
    public String name() {
        return "ssi (preemptive)";
    }

    @Override
    public boolean evacuatesOnReclaim() {
        return true;
    }

    @Override
    public SimNode placeAtStart(ClusterSimulation sim, SimNode home, SimJob job) {
        return start.placeAtStart(sim, home, job);
    }

    @Override
    public void balance(ClusterSimulation sim) {
        for (SimNode node : sim.nodes()) {
            if (node.reclaiming()) {
                evacuate(sim, node, sim.state(node));
                evacuate(sim, node, new NodeState(node.vector(), node.frozen.stream().map(SimJob::info).toList()));
            } else if (!node.running.isEmpty()) {
                NodeState state = sim.state(node);
                if (!balancer.mayMoveAny(state, sim.config().transfer(), sim.nowMillis())) {
                    continue;
                }
                List<Decision> decisions = balancer.decide(state, sim.view(node),
                        sim.config().transfer(), sim.nowMillis(), sim.random());
                for (Decision decision : decisions) {
                    sim.migrate(sim.job(node, decision.job()), sim.node(decision.destination()));
                }
            }
        }
    }

    @Override
    public void reclaimed(ClusterSimulation sim, SimNode node) {
        evacuate(sim, node, sim.state(node));
    }

    private void evacuate(ClusterSimulation sim, SimNode node, NodeState state) {
        if (state.jobs().isEmpty()) {
            return;
        }
        for (EvacuationStep step : evacuator.plan(state, sim.view(node), sim.config().transfer(), sim.random())) {
            SimJob job = sim.job(node, step.job());
            boolean moved = step instanceof EvacuationStep.Move move && sim.migrate(job, sim.node(move.destination()));
            if (!moved && job.state == SimJob.State.RUNNING) {
                sim.freeze(job);
            }
        }
    }
}
