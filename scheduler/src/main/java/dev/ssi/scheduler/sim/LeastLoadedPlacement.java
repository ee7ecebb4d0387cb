package dev.ssi.scheduler.sim;

import dev.ssi.scheduler.StartPlacement;

/**
 * Remote execution without preemption (icecream, batch schedulers): each job starts where it is
 * expected to finish soonest (speed and load, as gossip tells), and stays there.
 */
final class LeastLoadedPlacement implements Strategy {
    private final StartPlacement placement;

    LeastLoadedPlacement(SimConfig config) {
        this.placement = new StartPlacement(config.policy());
    }

    @Override
    public String name() {
        return "least-loaded at start";
    }

    @Override
    public SimNode placeAtStart(ClusterSimulation sim, SimNode home, SimJob job) {
        return placement.choose(job.info(), sim.state(home), sim.view(home), sim.random())
                .map(sim::node)
                .orElse(home);
    }
}
