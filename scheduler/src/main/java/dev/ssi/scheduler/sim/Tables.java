package dev.ssi.scheduler.sim;

import java.util.List;
import java.util.Locale;

/** The benchmark's results as Markdown tables. */
final class Tables {
    private Tables() {
    }

    static String outcomes(List<Outcome> outcomes) {
        StringBuilder out = new StringBuilder();
        out.append("| load | policy | mean slowdown | p95 slowdown | mean > 100 s | p95 > 100 s | makespan (s) "
                + "| migrations/job | remote starts/job | freezes | GB moved |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Outcome o : outcomes) {
            out.append(String.format(Locale.ROOT, "| %.0f %% | %s | %.3f | %.3f | %.3f | %.3f | %.0f | %.4f | %.3f | %d | %.1f |%n",
                    o.load() * 100, o.policy(), o.overall().mean(), o.overall().p95(), o.longJobs().mean(),
                    o.longJobs().p95(), o.makespan(), o.migrationsPerJob(), (double) o.remoteStarts() / o.jobs(),
                    o.freezes(), o.bytesMoved() / 1e9));
        }
        return out.toString();
    }

    static String goals(List<Goals> goals) {
        StringBuilder out = new StringBuilder();
        out.append("| load | ssi excess > 100 s | best non-preemptive excess > 100 s | ratio (goal ≤ 0.5) "
                + "| ssi mean / best non-preemptive (goal ≤ 1) | ssi mean / bound (goal ≤ 1.15) |\n");
        out.append("|---|---:|---:|---:|---:|---:|\n");
        for (Goals g : goals) {
            out.append(String.format(Locale.ROOT, "| %.0f %% | %.3f | %.3f (%s) | %.2f %s | %.3f %s | %.3f %s |%n",
                    g.load() * 100, g.ssiLongExcess(), g.bestNonPreemptiveLongExcess(), g.bestNonPreemptive(),
                    g.longExcessRatio(), mark(g.longExcessRatio() <= 0.5),
                    g.meanVersusNonPreemptive(), mark(g.meanVersusNonPreemptive() <= 1),
                    g.meanVersusBound(), mark(g.meanVersusBound() <= 1.15)));
        }
        return out.toString();
    }

    static String staleness(List<StalenessStudy.Row> rows) {
        StringBuilder out = new StringBuilder();
        out.append("| nodes | peers known (alive) | mean age (s) | p95 age (s) | mean age of freshest window (s) "
                + "| entries sent per node per interval |\n");
        out.append("|---:|---:|---:|---:|---:|---:|\n");
        for (StalenessStudy.Row r : rows) {
            out.append(String.format(Locale.ROOT, "| %d | %.0f | %.1f | %.1f | %.2f | %d |%n", r.nodes(),
                    r.knownPeers(), r.meanAgeSeconds(), r.p95AgeSeconds(), r.freshestWindowAgeSeconds(),
                    r.entriesSentPerInterval()));
        }
        return out.toString();
    }

    private static String mark(boolean met) {
        return met ? "(met)" : "(missed)";
    }
}
