package dev.ssi.system.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

/**
 * A CPU-bound job that runs until a file appears in its working directory, then prints how many
 * steps it took and the sum of each step's number modulo 7: a test decides when it ends, and the
 * sum tells whether its memory came through every move intact.
 */
record GatedJob(String goFile) {
    List<String> command() {
        return List.of("mawk", "BEGIN { while (1) { for (j = 0; j < 1000000; j++) { s += n % 7; n++ } "
                + "if ((getline x < \"" + goFile + "\") >= 0) break } print n, s }");
    }

    /** Checks {@code output} is "N SUM" with SUM the right sum for N steps. */
    static void check(String output) {
        String[] fields = output.trim().split(" ");
        assertEquals(2, fields.length, "the job printed its steps and its sum: '" + output + "'");
        long n = Long.parseLong(fields[0]);
        long rest = n % 7;
        assertTrue(n > 0, "the job ran: " + output);
        assertEquals(21 * (n / 7) + rest * (rest - 1) / 2, Long.parseLong(fields[1]), "the sum of " + n + " steps");
    }
}
