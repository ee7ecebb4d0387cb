package dev.ssi.system.balance;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where each job of the workstation runs, as {@code ssi ps} tells every half second while it
 * watches: every node each job was seen on, and every move seen (a job seen on one node, then on
 * another). Jobs stay put at least 10 s after a move, so none is missed.
 */
final class Placements implements AutoCloseable {
    /** One job seen moving. */
    record Move(String job, String from, String to, long atNanos) {}

    private static final long POLL_MILLIS = 500;

    private final BalancingPool pool;
    private final AtomicBoolean watching = new AtomicBoolean(true);
    private final Map<String, String> where = new HashMap<>();
    private final Map<String, Set<String>> seenOn = new HashMap<>();
    private final List<Move> moves = new ArrayList<>();
    private final Thread thread;
    private long changedAtNanos = System.nanoTime();

    private Placements(BalancingPool pool) {
        this.pool = pool;
        this.thread = new Thread(this::watch, "placements");
        thread.setDaemon(true);
    }

    static Placements watch(BalancingPool pool) {
        Placements placements = new Placements(pool);
        placements.thread.start();
        return placements;
    }

    synchronized Map<String, Set<String>> seenOn() {
        Map<String, Set<String>> copy = new HashMap<>();
        seenOn.forEach((job, nodes) -> copy.put(job, Set.copyOf(nodes)));
        return copy;
    }

    synchronized List<Move> moves() {
        return List.copyOf(moves);
    }

    /** The jobs running now, and where. */
    synchronized Map<String, String> where() {
        return Map.copyOf(where);
    }

    /** How long no job has moved, started or ended. */
    synchronized long quietNanos() {
        return System.nanoTime() - changedAtNanos;
    }

    private void watch() {
        while (watching.get()) {
            try {
                record(pool.ps());
            } catch (IOException e) {
                // The workstation's ssid is busy or going down: ask again next time.
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void record(JsonNode ps) {
        long now = System.nanoTime();
        Map<String, String> seenNow = new HashMap<>();
        for (JsonNode job : ps) {
            String id = job.path("job").asText();
            String node = job.path("where").asText();
            seenNow.put(id, node);
            seenOn.computeIfAbsent(id, j -> new LinkedHashSet<>()).add(node);
            String before = where.get(id);
            if (before != null && !before.equals(node)) {
                moves.add(new Move(id, before, node, now));
            }
        }
        if (!seenNow.equals(where)) {
            changedAtNanos = now;
        }
        where.clear();
        where.putAll(seenNow);
    }

    @Override
    public void close() {
        watching.set(false);
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
