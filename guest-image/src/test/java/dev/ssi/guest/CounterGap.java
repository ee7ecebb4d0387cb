package dev.ssi.guest;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Watches the test guest's counter on the serial logs of both ends of a migration, noting when
 * each number first appears (polling every 2 ms): the longest time between two consecutive
 * numbers is what the guest felt of the migration, plus its own 100 ms between numbers.
 */
final class CounterGap implements AutoCloseable {
    private final List<Path> logs;
    private final long[] positions;
    private final StringBuilder[] partial;
    private final Map<Long, Long> firstSeenNanos = new TreeMap<>();
    private final Thread watcher;
    private volatile boolean stopped;

    CounterGap(Path sourceLog, Path destinationLog) {
        logs = List.of(sourceLog, destinationLog);
        positions = new long[logs.size()];
        partial = new StringBuilder[] {new StringBuilder(), new StringBuilder()};
        for (int i = 0; i < logs.size(); i++) {
            positions[i] = size(logs.get(i));
        }
        watcher = new Thread(this::watch, "counter-gap");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** The longest time between two consecutive numbers seen. */
    Duration longestGap() {
        synchronized (firstSeenNanos) {
            long longest = 0;
            Long previous = null;
            for (Map.Entry<Long, Long> seen : firstSeenNanos.entrySet()) {
                Long before = previous == null ? null : firstSeenNanos.get(seen.getKey() - 1);
                if (before != null) {
                    longest = Math.max(longest, seen.getValue() - before);
                }
                previous = seen.getKey();
            }
            return Duration.ofNanos(longest);
        }
    }

    @Override
    public void close() {
        stopped = true;
        try {
            watcher.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void watch() {
        while (!stopped) {
            for (int i = 0; i < logs.size(); i++) {
                readNew(i);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void readNew(int log) {
        Path file = logs.get(log);
        long size = size(file);
        if (size < positions[log]) {
            positions[log] = 0; // a QEMU started the log afresh
        }
        if (size == positions[log]) {
            return;
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            byte[] bytes = new byte[(int) (size - positions[log])];
            in.seek(positions[log]);
            in.readFully(bytes);
            positions[log] = size;
            long now = System.nanoTime();
            partial[log].append(new String(bytes, StandardCharsets.ISO_8859_1));
            int newline;
            while ((newline = partial[log].indexOf("\n")) >= 0) {
                String line = partial[log].substring(0, newline).strip();
                partial[log].delete(0, newline + 1);
                if (line.matches("[0-9]+")) {
                    synchronized (firstSeenNanos) {
                        firstSeenNanos.putIfAbsent(Long.parseLong(line), now);
                    }
                }
            }
        } catch (IOException e) {
            // The file went away between looks: nothing new from it.
        }
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
