package dev.ssi.scheduler.sim;

import dev.ssi.scheduler.Admission;
import dev.ssi.scheduler.JobInfo;
import dev.ssi.scheduler.PeerInfo;
import java.util.ArrayList;
import java.util.List;

/** Each job starts on a node drawn at random among its home and the peers that take guests. */
final class RandomPlacement implements Strategy {
    @Override
    public String name() {
        return "random at start";
    }

    @Override
    public SimNode placeAtStart(ClusterSimulation sim, SimNode home, SimJob job) {
        JobInfo info = job.info();
        List<SimNode> choices = new ArrayList<>();
        choices.add(home);
        for (PeerInfo peer : sim.view(home).peers()) {
            if (Admission.check(peer.vector(), info).accepted()) {
                choices.add(sim.node(peer.vector().node()));
            }
        }
        return choices.get(sim.random().nextInt(choices.size()));
    }
}
