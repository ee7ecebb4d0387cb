package dev.ssi.daemon.balance;

import dev.ssi.daemon.balance.input.InputActivity;
import dev.ssi.scheduler.HostMode;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * Whether this host's owner wants it back, and why: drained by {@code ssi drain}, stopping
 * (SIGTERM), and — each where its rule is on — the owner's own load or keyboard and mouse input
 * seen within the last {@code reclaim.idle-after}, or a window of {@code reclaim.schedule}. A
 * reclaimed host takes no guests and sends away those it has. Asked from one thread (the
 * balancing round's), and reconfigured on it; drain and stop may come from any.
 */
final class Reclaim implements AutoCloseable {
    /** A rule that reclaims the host, as {@code ssi nodes} names it. */
    enum Reason {
        DRAINED, STOPPING, OWNER_LOAD, INPUT, SCHEDULE;

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final ZoneId zone;
    private final Function<ReclaimConfig, InputActivity> watch;
    private ReclaimConfig config;
    private InputActivity input;
    private volatile boolean drained;
    private volatile boolean stopping;
    private OptionalLong ownerLoadSeenAt = OptionalLong.empty();
    private volatile EnumSet<Reason> reasons = EnumSet.noneOf(Reason.class);
    private long reclaimedSinceMillis = -1;

    /** Watches this machine's input as {@code config} says, with its schedule in this machine's time zone. */
    Reclaim(ReclaimConfig config) {
        this(config, ZoneId.systemDefault(),
                c -> c.onInput() ? InputActivity.watching(c.inputTtys()) : InputActivity.none());
    }

    /** {@code watch} opens the input watching a configuration asks for; {@code zone} is the schedule's. */
    Reclaim(ReclaimConfig config, ZoneId zone, Function<ReclaimConfig, InputActivity> watch) {
        this.zone = zone;
        this.watch = watch;
        this.config = config;
        this.input = watch.apply(config);
    }

    /** New rules ({@code ssi host set reclaim.*}), from the next {@link #mode} on; the input is watched anew if its keys changed. */
    void reconfigure(ReclaimConfig next) {
        if (next.onInput() != config.onInput() || !next.inputTtys().equals(config.inputTtys())) {
            input.close();
            input = watch.apply(next);
        }
        config = next;
    }

    void drain(boolean drain) {
        drained = drain;
    }

    void stopping() {
        stopping = true;
    }

    /** The host's mode now, given its owner's own load now (runnable processes, smoothed). */
    HostMode mode(double ownerLoad, long nowMillis) {
        EnumSet<Reason> why = EnumSet.noneOf(Reason.class);
        if (drained) {
            why.add(Reason.DRAINED);
        }
        if (stopping) {
            why.add(Reason.STOPPING);
        }
        if (config.onOwnerLoad() && ownerLoad > config.ownerLoadThreshold()) {
            ownerLoadSeenAt = OptionalLong.of(nowMillis);
        }
        if (config.onOwnerLoad() && recent(ownerLoadSeenAt, nowMillis)) {
            why.add(Reason.OWNER_LOAD);
        }
        if (config.onInput() && recent(input.lastInputMillis(), nowMillis)) {
            why.add(Reason.INPUT);
        }
        if (config.schedule().covers(Instant.ofEpochMilli(nowMillis).atZone(zone))) {
            why.add(Reason.SCHEDULE);
        }
        reasons = why;
        if (why.isEmpty()) {
            reclaimedSinceMillis = -1;
        } else if (reclaimedSinceMillis < 0) {
            reclaimedSinceMillis = nowMillis;
        }
        return why.isEmpty() ? HostMode.OPEN : HostMode.RECLAIMING;
    }

    /** Until when guests may leave for other nodes, while reclaimed: {@code reclaim.deadline} after it began. */
    long evacuationDeadlineMillis() {
        return reclaimedSinceMillis < 0 ? Long.MAX_VALUE : reclaimedSinceMillis + config.deadline().toMillis();
    }

    /** The rules that reclaimed the host at the last {@link #mode}, in the order of {@link Reason}; empty while open. */
    Set<Reason> reasons() {
        return EnumSet.copyOf(reasons);
    }

    private boolean recent(OptionalLong seenAt, long nowMillis) {
        return seenAt.isPresent() && nowMillis - seenAt.getAsLong() < config.idleAfter().toMillis();
    }

    @Override
    public void close() {
        input.close();
    }
}
