package dev.ssi.checkpoint;

import java.util.Arrays;
import java.util.List;

/** The median of a benchmark's runs: the middle one, the upper of the two middle ones for an even count. */
public final class Median {
    private Median() {}

    public static double of(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
