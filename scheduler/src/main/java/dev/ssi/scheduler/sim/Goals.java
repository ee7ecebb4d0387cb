package dev.ssi.scheduler.sim;

import java.util.List;

/** The goals for one load, computed from that load's outcomes. */
record Goals(double load, double ssiLongExcess, double bestNonPreemptiveLongExcess, String bestNonPreemptive,
             double meanVersusNonPreemptive, double meanVersusBound) {
    static final List<String> NON_PREEMPTIVE = List.of("no migration", "random at start", "least-loaded at start");
    static final String SSI = "ssi (preemptive)";
    static final String BOUND = "pool as one PS machine (bound)";

    static Goals of(List<Outcome> sameLoad) {
        Outcome ssi = find(sameLoad, SSI);
        Outcome bound = find(sameLoad, BOUND);
        Outcome bestLong = sameLoad.stream().filter(o -> NON_PREEMPTIVE.contains(o.policy()))
                .min((a, b) -> Double.compare(a.longJobs().mean(), b.longJobs().mean())).orElseThrow();
        Outcome bestMean = sameLoad.stream().filter(o -> NON_PREEMPTIVE.contains(o.policy()))
                .min((a, b) -> Double.compare(a.overall().mean(), b.overall().mean())).orElseThrow();
        return new Goals(ssi.load(), ssi.longJobs().mean() - 1, bestLong.longJobs().mean() - 1, bestLong.policy(),
                ssi.overall().mean() / bestMean.overall().mean(), ssi.overall().mean() / bound.overall().mean());
    }

    double longExcessRatio() {
        return ssiLongExcess / bestNonPreemptiveLongExcess;
    }

    private static Outcome find(List<Outcome> outcomes, String policy) {
        return outcomes.stream().filter(o -> o.policy().equals(policy)).findFirst().orElseThrow();
    }
}
