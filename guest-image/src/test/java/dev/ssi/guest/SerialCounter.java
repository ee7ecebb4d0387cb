package dev.ssi.guest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The test guest's counter as its serial logs show it: one number a line, every 100 ms. */
final class SerialCounter {
    private SerialCounter() {}

    /** The numbers in these logs read one after the other (a line cut by a migration joins up). */
    static List<Long> numbers(Path... logs) {
        StringBuilder text = new StringBuilder();
        for (Path log : logs) {
            text.append(read(log));
        }
        List<Long> numbers = new ArrayList<>();
        for (String line : text.toString().split("\r?\n")) {
            if (line.matches("[0-9]+")) {
                numbers.add(Long.parseLong(line));
            }
        }
        return numbers;
    }

    /** Waits until the log shows the counter at {@code atLeast} or beyond; returns the numbers seen. */
    static List<Long> awaitCount(Path log, long atLeast, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Long> numbers = numbers(log);
            if (!numbers.isEmpty() && numbers.get(numbers.size() - 1) >= atLeast) {
                return numbers;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the counter on " + log + " did not reach " + atLeast + " within "
                        + timeout.toSeconds() + " s; the log says: " + tail(log));
            }
            Thread.sleep(100);
        }
    }

    /** Whether the numbers go 0, 1, 2, ... with no gap and no repeat. */
    static void assertConsecutive(List<Long> numbers) {
        for (int i = 0; i < numbers.size(); i++) {
            if (numbers.get(i) != i) {
                throw new AssertionError("the counter went " + numbers.subList(Math.max(0, i - 3), Math.min(numbers.size(), i + 3))
                        + " around position " + i);
            }
        }
    }

    static String tail(Path log) {
        String text = read(log);
        return text.substring(Math.max(0, text.length() - 600));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
