package dev.ssi.daemon.balance;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The speed of a link, in bits per second, written as tc writes rates: {@code 1gbit}. The pool
 * balancer's transfer cost and the local pool's link shaping both read it.
 */
public record LinkRate(long bitsPerSecond) {
    private static final Pattern RATE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(bit|kbit|mbit|gbit|tbit)");
    private static final String[] UNITS = {"bit", "kbit", "mbit", "gbit", "tbit"};
    /** Below this tbf shapes nothing a test could tell from a dead link. */
    private static final long MIN_BITS_PER_SECOND = 8_000;

    public LinkRate {
        if (bitsPerSecond < MIN_BITS_PER_SECOND) {
            throw new IllegalArgumentException("a link rate is at least 8kbit, not " + bitsPerSecond + "bit");
        }
    }

    /** Parses {@code 1gbit}, {@code 100mbit}, {@code 2.5gbit}, ... (units of 1000 bits per second). */
    public static LinkRate parse(String text) {
        Matcher matcher = RATE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a link rate; write a number and one of "
                    + String.join(", ", UNITS) + " (e.g. 1gbit, 100mbit)");
        }
        BigDecimal bits = new BigDecimal(matcher.group(1))
                .movePointRight(3 * unitIndex(matcher.group(2)));
        try {
            return new LinkRate(bits.longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number of bits per second");
        }
    }

    /** The rate in tc's syntax, exact. */
    public String tcRate() {
        return bitsPerSecond + "bit";
    }

    /** The shortest exact form, e.g. {@code 1gbit}, {@code 1500kbit}. */
    @Override
    public String toString() {
        long value = bitsPerSecond;
        int unit = 0;
        while (unit < UNITS.length - 1 && value % 1000 == 0) {
            value /= 1000;
            unit++;
        }
        return value + UNITS[unit];
    }

    private static int unitIndex(String unit) {
        for (int i = 0; i < UNITS.length; i++) {
            if (UNITS[i].equals(unit)) {
                return i;
            }
        }
        throw new IllegalArgumentException(unit);
    }
}
