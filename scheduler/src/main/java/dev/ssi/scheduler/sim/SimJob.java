package dev.ssi.scheduler.sim;

import dev.ssi.scheduler.JobName;
import dev.ssi.scheduler.JobInfo;
import dev.ssi.scheduler.NodeName;

/** One job in a simulation run: its trace entry and where it is and how far it got. */
final class SimJob {
    enum State { RUNNING, MOVING, FROZEN, DONE }

    final Trace.Arrival arrival;
    final JobName id;
    final NodeName home;
    double remaining;
    State state;
    SimNode node;
    int migrations;
    double residentSince;

    SimJob(Trace.Arrival arrival, NodeName home) {
        this.arrival = arrival;
        this.id = new JobName("j" + arrival.id());
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
