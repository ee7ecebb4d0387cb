package dev.ssi.daemon.balance.input;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The keyboard's and mouse's interrupts in {@code /proc/interrupts}, as HTCondor counts them
 * where it cannot read the devices: the lines whose name says i8042, keyboard, mouse or hid.
 * Input is seen when their sum has grown since the last look; the first look only sets the
 * baseline. USB keyboards share their controller's interrupt, whose name says none of these:
 * {@link InputDevices} sees those.
 */
final class InterruptCounters implements InputSource {
    private static final Pattern INPUT = Pattern.compile("(?i).*\\b(i8042|keyboard|kbd|mouse|hid|touchpad)\\b.*");

    private final Path interrupts;
    private final LongSupplier clock;
    private long lastSum = -1;
    private OptionalLong lastInput = OptionalLong.empty();

    InterruptCounters(Path interrupts, LongSupplier clock) {
        this.interrupts = interrupts;
        this.clock = clock;
    }

    @Override
    public OptionalLong lastInputMillis() {
        String table;
        try {
            table = Files.readString(interrupts);
        } catch (IOException e) {
            return lastInput;
        }
        long sum = inputInterrupts(table);
        if (lastSum >= 0 && sum > lastSum) {
            lastInput = OptionalLong.of(clock.getAsLong());
        }
        lastSum = sum;
        return lastInput;
    }

    /** The sum, over every CPU, of the interrupts of the lines that name an input device. */
    static long inputInterrupts(String table) {
        long sum = 0;
        for (String line : table.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0 || !INPUT.matcher(line.substring(colon + 1)).matches()) {
                continue;
            }
            for (String field : line.substring(colon + 1).trim().split("\\s+")) {
                if (!field.chars().allMatch(Character::isDigit) || field.isEmpty()) {
                    break;
                }
                sum += Long.parseLong(field);
            }
        }
        return sum;
    }
}
