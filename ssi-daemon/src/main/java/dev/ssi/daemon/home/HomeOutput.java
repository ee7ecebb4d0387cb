package dev.ssi.daemon.home;

import com.google.protobuf.ByteString;
import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.journal.Journal;
import dev.ssi.daemon.journal.JournalEntries.Entry;
import dev.ssi.daemon.journal.JournalEntries.HomeDelivered;
import dev.ssi.daemon.journal.JournalEntries.HomeEpochEnd;
import dev.ssi.daemon.journal.JournalEntries.HomeExit;
import dev.ssi.daemon.journal.JournalEntries.HomeReceived;
import dev.ssi.daemon.journal.HomeJobState;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A job's output as its home delivers it: chunks numbered by epoch (one per place the job ran)
 * and sequence arrive in any order, and some more than once, from wherever the job is; they
 * reach the user's ssi-run in order and once, and the exit status only after the last chunk.
 * Each chunk is journaled as it is delivered and kept until ssi-run says it has it, so an
 * ssi-run that lost its home ssid to a crash attaches again and gets the rest. Only what was
 * delivered is acknowledged ({@link #ack}): hosts send the rest again.
 */
public final class HomeOutput {
    private final JobId job;
    private final Journal journal;
    private final Map<Long, byte[]> waiting = new HashMap<>();
    private final Map<Integer, Long> chunksInEpoch = new HashMap<>();
    /** Delivered output ssi-run may not have yet, by its offset in the job's output. */
    private final TreeMap<Long, byte[]> retained = new TreeMap<>();
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private int epoch;
    private long seq;
    private long offset;
    private ExitStatus status;
    private int statusEpoch = -1;
    private OutputStream user;

    public HomeOutput(JobId job, Journal journal) {
        this.job = job;
        this.journal = journal;
    }

    /** The output of a job as the journal of this node's previous run left it; no ssi-run attached yet. */
    public static HomeOutput restored(JobId job, Journal journal, HomeJobState state) {
        HomeOutput out = new HomeOutput(job, journal);
        synchronized (out) {
            out.epoch = state.epoch();
            out.seq = state.nextSeq();
            out.offset = state.offset();
            out.retained.putAll(state.retained());
            out.chunksInEpoch.putAll(state.ends());
            state.exit().ifPresent(e -> {
                out.status = e.getSignal() != 0 ? ExitStatus.killedBy(e.getSignal()) : ExitStatus.exited(e.getCode());
                out.statusEpoch = e.getEpoch();
            });
            out.drain();
        }
        return out;
    }

    /** What home has of one epoch: every chunk below {@code nextSeq}; its end; its exit status. */
    public record Ack(long nextSeq, boolean endSeen, boolean exitSeen) {}

    public synchronized void chunk(int chunkEpoch, long chunkSeq, byte[] data) {
        boolean delivered = chunkEpoch < epoch || (chunkEpoch == epoch && chunkSeq < seq);
        if (!delivered) {
            waiting.put(key(chunkEpoch, chunkSeq), data);
            drain();
        }
    }

    public synchronized void end(int endedEpoch, long chunks) {
        if (!chunksInEpoch.containsKey(endedEpoch)) {
            journal.append(Entry.newBuilder().setHomeEpochEnd(HomeEpochEnd.newBuilder().setJob(job.value())
                    .setEpoch(endedEpoch).setChunks(chunks)).build());
            chunksInEpoch.put(endedEpoch, chunks);
        }
        drain();
    }

    /** The job ended in {@code finalEpoch}; reported once that epoch's output is all delivered. */
    public synchronized void exited(int finalEpoch, ExitStatus exitStatus) {
        if (status == null) {
            journal.append(Entry.newBuilder().setHomeExit(HomeExit.newBuilder().setJob(job.value()).setEpoch(finalEpoch)
                    .setCode(exitStatus.code()).setSignal(exitStatus.signal())).build());
            status = exitStatus;
            statusEpoch = finalEpoch;
        }
        drain();
    }

    public synchronized Ack ack(int ofEpoch) {
        long next = ofEpoch < epoch ? chunksInEpoch.get(ofEpoch) : ofEpoch == epoch ? seq : 0;
        return new Ack(next, chunksInEpoch.containsKey(ofEpoch), status != null && statusEpoch == ofEpoch);
    }

    /**
     * An ssi-run takes the job's output from byte {@code from} on: what home kept of it first,
     * then whatever comes. Fails when home no longer has output from there.
     */
    public synchronized void attach(OutputStream out, long from) throws IOException {
        if (from > offset || (!retained.isEmpty() && from < retained.firstKey())
                || (retained.isEmpty() && from < offset)) {
            throw new IOException("home has " + job + "'s output from byte " + (retained.isEmpty() ? offset
                    : retained.firstKey()) + " to " + offset + ", not from " + from);
        }
        user = out;
        for (Map.Entry<Long, byte[]> kept : retained.entrySet()) {
            long end = kept.getKey() + kept.getValue().length;
            if (end > from) {
                int skip = (int) Math.max(0, from - kept.getKey());
                write(Arrays.copyOfRange(kept.getValue(), skip, kept.getValue().length));
            }
        }
        flush();
    }

    public synchronized boolean isAttached() {
        return user != null;
    }

    /** The attached ssi-run is gone; output is kept for the next one. */
    public synchronized void detach(OutputStream out) {
        if (user == out) {
            user = null;
        }
    }

    /** The attached ssi-run has the job's output below byte {@code upTo}. */
    public synchronized void received(long upTo) {
        journal.append(Entry.newBuilder().setHomeReceived(HomeReceived.newBuilder().setJob(job.value())
                .setOffset(upTo)).build());
        while (!retained.isEmpty() && retained.firstKey() + retained.firstEntry().getValue().length <= upTo) {
            retained.pollFirstEntry();
        }
    }

    public CompletableFuture<ExitStatus> exit() {
        return exit;
    }

    private void drain() {
        while (true) {
            byte[] next = waiting.remove(key(epoch, seq));
            if (next != null) {
                journal.append(Entry.newBuilder().setHomeDelivered(HomeDelivered.newBuilder().setJob(job.value())
                        .setEpoch(epoch).setSeq(seq).setOffset(offset).setData(ByteString.copyFrom(next))).build());
                retained.put(offset, next);
                offset += next.length;
                write(next);
                seq++;
            } else if (chunksInEpoch.getOrDefault(epoch, -1L) == seq) {
                epoch++;
                seq = 0;
            } else {
                break;
            }
        }
        if (status != null && epoch > statusEpoch) {
            flush();
            exit.complete(status);
        }
    }

    private static long key(int chunkEpoch, long chunkSeq) {
        return ((long) chunkEpoch << 40) | chunkSeq;
    }

    private void write(byte[] data) {
        if (user == null) {
            return;
        }
        try {
            user.write(data);
        } catch (IOException e) {
            // The user's ssi-run is gone; what it missed is kept for the next one to attach.
            user = null;
        }
    }

    private void flush() {
        if (user == null) {
            return;
        }
        try {
            user.flush();
        } catch (IOException e) {
            user = null;
        }
    }
}
