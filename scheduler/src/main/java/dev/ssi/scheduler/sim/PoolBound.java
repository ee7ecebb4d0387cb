package dev.ssi.scheduler.sim;

import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * The omniscient reference: the whole pool as one processor-sharing machine with free, instant
 * migration. The n jobs present share the n fastest CPU slots available at that moment (a host
 * whose owner works offers one slot of a tenth of a CPU); each job runs at most one slot fast.
 */
final class PoolBound {
    private PoolBound() {
    }

    static Outcome run(SimConfig config, Trace trace) {
        Slots slots = new Slots();
        boolean[] present = new boolean[trace.nodes().size()];
        for (Trace.Node node : trace.nodes()) {
            slots.add(node, false, trace.guestCpusWhileOwnerActive(), +1);
        }
        // All jobs share one rate, so each finishes when the shared "virtual work" clock
        // reaches its tag: virtual work at arrival plus its own work.
        PriorityQueue<double[]> tags = new PriorityQueue<>((a, b) -> Double.compare(a[0], b[0]));
        double[] response = new double[trace.arrivals().size()];
        double now = 0;
        double virtual = 0;
        int nextArrival = 0;
        int nextChange = 0;
        int done = 0;
        while (done < response.length) {
            double rate = tags.isEmpty() ? 0 : slots.fastest(tags.size()) / tags.size();
            double completion = tags.isEmpty()
                    ? Double.POSITIVE_INFINITY : now + Math.max(0, tags.peek()[0] - virtual) / rate;
            double arrival = nextArrival < response.length
                    ? trace.arrivals().get(nextArrival).time() : Double.POSITIVE_INFINITY;
            double change = nextChange < trace.ownerChanges().size()
                    ? trace.ownerChanges().get(nextChange).time() : Double.POSITIVE_INFINITY;
            double next = Math.min(completion, Math.min(arrival, change));
            virtual += rate * (next - now);
            now = next;
            if (next == completion) {
                int id = (int) tags.poll()[1];
                response[id] = now - trace.arrivals().get(id).time();
                done++;
            } else if (next == arrival) {
                Trace.Arrival job = trace.arrivals().get(nextArrival++);
                tags.add(new double[] {virtual + job.work(), job.id()});
            } else {
                Trace.OwnerChange owner = trace.ownerChanges().get(nextChange++);
                Trace.Node node = trace.nodes().get(owner.node());
                if (present[owner.node()] != owner.present()) {
                    slots.add(node, present[owner.node()], trace.guestCpusWhileOwnerActive(), -1);
                    present[owner.node()] = owner.present();
                    slots.add(node, owner.present(), trace.guestCpusWhileOwnerActive(), +1);
                }
            }
        }
        double[] work = trace.arrivals().stream().mapToDouble(Trace.Arrival::work).toArray();
        return new Outcome("pool as one PS machine (bound)", config.load(), work, response, now, 0, 0, 0, 0);
    }

    /** CPU slots by speed, fastest first. */
    private static final class Slots {
        private final TreeMap<Double, Integer> countBySpeed = new TreeMap<>((a, b) -> Double.compare(b, a));

        void add(Trace.Node node, boolean ownerPresent, double guestCpus, int sign) {
            if (ownerPresent && !node.workstation()) {
                countBySpeed.merge(node.speed() * guestCpus, sign, Integer::sum);
            } else {
                countBySpeed.merge(node.speed(), sign * node.cpus(), Integer::sum);
            }
        }

        /** Total speed of the {@code n} fastest slots. */
        double fastest(int n) {
            double total = 0;
            int left = n;
            for (var level : countBySpeed.entrySet()) {
                int used = Math.min(left, level.getValue());
                total += used * level.getKey();
                left -= used;
                if (left == 0) {
                    break;
                }
            }
            return total;
        }
    }

}
