package dev.ssi.scheduler.sim;

import dev.ssi.scheduler.JobId;
import dev.ssi.scheduler.JobInfo;
import dev.ssi.scheduler.NodeId;

/** One job in a simulation run: its trace entry and where it is and how far it got. */
final class SimJob {
    enum State { RUNNING, MOVING, FROZEN, DONE }

    final Trace.Arrival arrival;
    final JobId id;
    final NodeId home;
    double remaining;
    State state;
    SimNode node;
    int migrations;
    double residentSince;

    SimJob(Trace.Arrival arrival, NodeId home) {
        this.arrival = arrival;
        this.id = new JobId("j" + arrival.id());
        this.home = home;
        this.remaining = arrival.work();
    }

    long memory() {
        return arrival.memoryBytes();
    }

    boolean isGuestOn(SimNode where) {
        return !home.equals(where.id);
    }

    JobInfo info() {
        return new JobInfo(id, "user-" + home, home, false, arrival.work() - remaining, 1.0,
                memory(), migrations, Math.round(residentSince * 1000));
    }
}
