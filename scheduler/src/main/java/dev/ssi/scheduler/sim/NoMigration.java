package dev.ssi.scheduler.sim;

/** Every job runs where it was submitted, start to end. */
final class NoMigration implements Strategy {
    @Override
    public String name() {
        return "no migration";
    }

    @Override
    public boolean usesGossip() {
        return false;
    }

    @Override
    public SimNode placeAtStart(ClusterSimulation sim, SimNode home, SimJob job) {
        return home;
    }
}
