package dev.ssi.daemon.job;

import com.google.protobuf.ByteString;
import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.daemon.journal.Journal;
import dev.ssi.daemon.journal.JournalEntries.Acked;
import dev.ssi.daemon.journal.JournalEntries.Chunk;
import dev.ssi.daemon.journal.JournalEntries.Entry;
import dev.ssi.daemon.journal.JournalEntries.Forgotten;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The way home for the output and the end of every job epoch hosted here, at least once: each
 * chunk is journaled before it is sent, and chunks, the end of the output and the exit status
 * are sent again until home acknowledges them (home drops what it already has).
 *
 * <p>An epoch has room for more while what home has not acknowledged is under both
 * {@value #MAX_UNACKED_BYTES} bytes and the room home's last acknowledgement gave (what its
 * spool for the job's ssi-run can take), or while home has acknowledged everything: one chunk
 * may always be on its way, to ask for room. Without room, the epoch's pump stops reading the
 * job's pipe, so the job waits in its write instead of filling this node's memory, and the pump
 * goes on once an acknowledgement makes room ({@link #whenRoom}). Home gives no word unasked:
 * an epoch that heard nothing for a second sends its oldest unacknowledged chunk again, and only
 * that (a probe), until home takes it; then what home has room for goes again at once.
 */
public final class Outbox implements WindowedSink {
    /** Unacknowledged output one epoch may have before its pump waits. */
    static final long MAX_UNACKED_BYTES = 8L << 20;
    private static final long RESEND_AFTER_NANOS = 1_000_000_000L;
    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());

    private final Journal journal;
    private final Map<String, EpochState> epochs = new ConcurrentHashMap<>();

    /** Called once home has everything of an epoch that will ever come from here. */
    @FunctionalInterface
    public interface Settled {
        void settled(JobId job, int epoch);
    }

    private final Settled settled;

    public Outbox(Journal journal, Settled settled) {
        this.journal = journal;
        this.settled = settled;
    }

    /** What home still lacks of one epoch hosted here. */
    private static final class EpochState {
        final JobId job;
        final int epoch;
        final HomeLink home;
        final TreeMap<Long, byte[]> unacked = new TreeMap<>();
        long unackedBytes;
        long bytesRead;
        long lastProgress = System.nanoTime();
        /** What home's last acknowledgement said it takes beyond it. */
        long room = Long.MAX_VALUE;
        /** A probe went for want of word from home: once home takes it, what it has room for goes again. */
        boolean probing;
        Runnable whenRoom;
        long chunks = -1;
        boolean endSeen;
        ExitStatus exit;
        boolean exitSeen;
        boolean left;

        EpochState(JobId job, int epoch, HomeLink home) {
            this.job = job;
            this.epoch = epoch;
            this.home = home;
        }

        boolean over() {
            return endSeen && (left || exitSeen);
        }

        boolean hasRoom() {
            return unacked.isEmpty() || unackedBytes < Math.min(MAX_UNACKED_BYTES, room);
        }
    }

    private static String key(JobId job, int epoch) {
        return job.value() + "@" + epoch;
    }

    /**
     * Starts tracking an epoch; {@code unacked} are chunks a predecessor journaled and home may
     * lack, {@code bytesRead} the bytes of output it journaled in all.
     */
    public void open(JobId job, int epoch, HomeLink home, Map<Long, byte[]> unacked, long bytesRead) {
        EpochState state = new EpochState(job, epoch, home);
        state.bytesRead = bytesRead;
        unacked.forEach((seq, data) -> {
            state.unacked.put(seq, data);
            state.unackedBytes += data.length;
        });
        epochs.put(key(job, epoch), state);
        unacked.forEach((seq, data) -> home.chunk(job, epoch, seq, data));
    }

    @Override
    public void chunk(JobId job, int epoch, long seq, byte[] data) {
        EpochState state = state(job, epoch).orElseThrow(() -> new IllegalStateException(key(job, epoch) + " is not open"));
        journal.append(Entry.newBuilder().setChunk(Chunk.newBuilder().setJob(job.value()).setEpoch(epoch).setSeq(seq)
                .setOffset(state.bytesRead).setData(ByteString.copyFrom(data))).build());
        state.bytesRead += data.length;
        synchronized (state) {
            state.unacked.put(seq, data);
            state.unackedBytes += data.length;
        }
        state.home.chunk(job, epoch, seq, data);
    }

    @Override
    public boolean hasRoom(JobId job, int epoch) {
        return state(job, epoch).map(state -> {
            synchronized (state) {
                return state.hasRoom();
            }
        }).orElse(true);
    }

    @Override
    public void whenRoom(JobId job, int epoch, Runnable then) {
        boolean now = state(job, epoch).map(state -> {
            synchronized (state) {
                if (state.hasRoom()) {
                    return true;
                }
                state.whenRoom = then;
                return false;
            }
        }).orElse(true);
        if (now) {
            then.run();
        }
    }

    @Override
    public void end(JobId job, int epoch, long chunks) {
        state(job, epoch).ifPresent(state -> {
            synchronized (state) {
                state.chunks = chunks;
            }
            state.home.end(job, epoch, chunks);
        });
    }

    /** The job ended in this epoch, all its output read: home is told (again, until it has it). */
    public void exited(JobId job, int epoch, ExitStatus status) {
        state(job, epoch).ifPresent(state -> {
            synchronized (state) {
                state.exit = status;
            }
            state.home.exited(job, epoch, status);
        });
    }

    /** The epoch ended by the job leaving for another node: no exit status will come from here. */
    public void left(JobId job, int epoch) {
        state(job, epoch).ifPresent(state -> {
            synchronized (state) {
                state.left = true;
            }
            settleIfOver(state);
        });
    }

    /**
     * Home has every chunk of the epoch below {@code nextSeq}, and its end or exit status if it
     * says so, and takes {@code room} bytes more now.
     */
    public void acknowledged(JobId job, int epoch, long nextSeq, boolean endSeen, boolean exitSeen, long room) {
        state(job, epoch).ifPresent(state -> {
            boolean progress;
            Map<Long, byte[]> again = new TreeMap<>();
            Runnable wake = null;
            synchronized (state) {
                var done = state.unacked.headMap(nextSeq);
                progress = !done.isEmpty() || (endSeen && !state.endSeen) || (exitSeen && !state.exitSeen);
                done.values().forEach(d -> state.unackedBytes -= d.length);
                done.clear();
                state.endSeen |= endSeen && state.unacked.isEmpty();
                state.exitSeen |= exitSeen;
                state.room = room;
                if (progress) {
                    state.lastProgress = System.nanoTime();
                    if (state.probing) {
                        state.probing = false;
                        long fits = room;
                        for (Map.Entry<Long, byte[]> chunk : state.unacked.entrySet()) {
                            if (chunk.getValue().length > fits) {
                                break;
                            }
                            again.put(chunk.getKey(), chunk.getValue());
                            fits -= chunk.getValue().length;
                        }
                    }
                }
                if (state.whenRoom != null && state.hasRoom()) {
                    wake = state.whenRoom;
                    state.whenRoom = null;
                }
            }
            if (progress) {
                journal.append(Entry.newBuilder().setAcked(Acked.newBuilder().setJob(job.value()).setEpoch(epoch)
                        .setNextSeq(nextSeq)).build());
            }
            again.forEach((seq, data) -> state.home.chunk(job, epoch, seq, data));
            if (wake != null) {
                wake.run();
            }
            settleIfOver(state);
        });
    }

    /**
     * Probes home for the epochs it has not acknowledged anything of for a while: the oldest
     * chunk it lacks goes again (the rest once it takes that), and the end and exit status it
     * lacks; the node's timer calls it.
     */
    public void resendUnacknowledged() {
        long now = System.nanoTime();
        for (EpochState state : epochs.values()) {
            Map.Entry<Long, byte[]> probe;
            long end;
            ExitStatus exit;
            synchronized (state) {
                if (now - state.lastProgress < RESEND_AFTER_NANOS) {
                    continue;
                }
                probe = state.unacked.firstEntry();
                state.probing = probe != null;
                end = state.endSeen ? -1 : state.chunks;
                exit = state.exitSeen ? null : state.exit;
                state.lastProgress = now;
            }
            if (probe != null || end >= 0 || exit != null) {
                LOG.log(System.Logger.Level.DEBUG, "probing home for " + key(state.job, state.epoch) + ": "
                        + (probe != null ? "chunk " + probe.getKey() : "no chunk") + (end >= 0 ? ", its end" : "")
                        + (exit != null ? ", its exit" : ""));
            }
            if (probe != null) {
                state.home.chunk(state.job, state.epoch, probe.getKey(), probe.getValue());
            }
            if (end >= 0) {
                state.home.end(state.job, state.epoch, end);
            }
            if (exit != null) {
                state.home.exited(state.job, state.epoch, exit);
            }
        }
    }

    private void settleIfOver(EpochState state) {
        boolean over;
        synchronized (state) {
            over = state.over();
        }
        if (over && epochs.remove(key(state.job, state.epoch), state)) {
            journal.append(Entry.newBuilder().setForgotten(Forgotten.newBuilder().setJob(state.job.value())
                    .setEpoch(state.epoch)).build());
            settled.settled(state.job, state.epoch);
        }
    }

    private Optional<EpochState> state(JobId job, int epoch) {
        return Optional.ofNullable(epochs.get(key(job, epoch)));
    }
}
