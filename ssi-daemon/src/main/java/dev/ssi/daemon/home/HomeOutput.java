package dev.ssi.daemon.home;

import com.google.protobuf.ByteString;
import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.journal.HomeJobState;
import dev.ssi.daemon.journal.Journal;
import dev.ssi.daemon.journal.JournalEntries.Entry;
import dev.ssi.daemon.journal.JournalEntries.HomeDelivered;
import dev.ssi.daemon.journal.JournalEntries.HomeEpochEnd;
import dev.ssi.daemon.journal.JournalEntries.HomeExit;
import dev.ssi.daemon.journal.JournalEntries.HomeReceived;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A job's output as its home delivers it: chunks numbered by epoch (one per place the job ran)
 * and sequence arrive in any order, and some more than once, from wherever the job is; they
 * reach the user's ssi-run in order and once, and the exit status only after the last chunk.
 *
 * <p>Delivered output is journaled and written to the job's {@link ReaderSpool}, where its
 * {@link OutputReader} (the ssi-run's connection) takes it at its own pace; it stays there until
 * the ssi-run says it has it, so an ssi-run that lost its home ssid to a crash attaches again and
 * gets the rest. No thread here ever waits for a reader. The spool holds at most the
 * {@link SpoolLimit}: a chunk that does not fit is not delivered, and the acknowledgement
 * ({@link #ack}) tells its host how much room there is, so that the host stops reading the job's
 * pipe and the job waits in its write until the reader catches up. Only what was delivered is
 * acknowledged: hosts send the rest again.
 */
public final class HomeOutput {
    /** Chunks that came before their turn, kept for it; beyond, they are dropped, and their host sends them again. */
    static final long MAX_WAITING_BYTES = 1L << 20;
    private static final System.Logger LOG = System.getLogger(HomeOutput.class.getName());

    private final JobId job;
    private final Journal journal;
    private final ReaderSpool spool;
    private final long limit;
    private final Map<Long, byte[]> waiting = new HashMap<>();
    private final Map<Integer, Long> chunksInEpoch = new HashMap<>();
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private long waitingBytes;
    private int epoch;
    private long seq;
    /** The bytes delivered. */
    private long offset;
    /** The first byte the spool keeps: the reader has every byte below. */
    private long kept;
    private ExitStatus status;
    private int statusEpoch = -1;
    private boolean spoolFailed;
    /** Nobody will read the output: it is let go of as it is delivered. */
    private boolean unwanted;
    private OutputReader reader;

    private HomeOutput(JobId job, Journal journal, ReaderSpool spool, long limit) {
        this.job = job;
        this.journal = journal;
        this.spool = spool;
        this.limit = limit;
    }

    /** The output of a job just submitted, spooled at {@code spoolFile}. */
    public static HomeOutput create(JobId job, Journal journal, Path spoolFile, SpoolLimit limit) throws IOException {
        return new HomeOutput(job, journal, ReaderSpool.create(spoolFile, limit.bytes()), limit.bytes());
    }

    /**
     * The output of a job as the journal of this node's previous run left it, what ssi-run may
     * lack of it spooled again at {@code spoolFile}; no ssi-run attached yet.
     */
    public static HomeOutput restored(JobId job, Journal journal, HomeJobState state, Path spoolFile, SpoolLimit limit)
            throws IOException {
        TreeMap<Long, byte[]> retained = state.retained();
        long kept = retained.isEmpty() ? state.offset() : retained.firstKey();
        ReaderSpool spool = ReaderSpool.create(spoolFile, Math.max(limit.bytes(), state.offset() - kept));
        for (Map.Entry<Long, byte[]> chunk : retained.entrySet()) {
            spool.write(chunk.getKey(), chunk.getValue());
        }
        HomeOutput out = new HomeOutput(job, journal, spool, limit.bytes());
        synchronized (out) {
            out.epoch = state.epoch();
            out.seq = state.nextSeq();
            out.offset = state.offset();
            out.kept = kept;
            out.chunksInEpoch.putAll(state.ends());
            state.exit().ifPresent(e -> {
                out.status = e.getSignal() != 0 ? ExitStatus.killedBy(e.getSignal()) : ExitStatus.exited(e.getCode());
                out.statusEpoch = e.getEpoch();
            });
            out.drain();
        }
        return out;
    }

    /**
     * What home has of one epoch: every chunk below {@code nextSeq}; its end; its exit status;
     * and how many bytes of it beyond {@code nextSeq} home takes now ({@code room}).
     */
    public record Ack(long nextSeq, boolean endSeen, boolean exitSeen, long room) {}

    public synchronized void chunk(int chunkEpoch, long chunkSeq, byte[] data) {
        boolean delivered = chunkEpoch < epoch || (chunkEpoch == epoch && chunkSeq < seq);
        boolean next = chunkEpoch == epoch && chunkSeq == seq;
        long key = key(chunkEpoch, chunkSeq);
        if (delivered || waiting.containsKey(key) || (!next && waitingBytes + data.length > MAX_WAITING_BYTES)) {
            return;
        }
        waiting.put(key, data);
        waitingBytes += data.length;
        drain();
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
        boolean endSeen = chunksInEpoch.containsKey(ofEpoch);
        boolean exitSeen = status != null && statusEpoch == ofEpoch;
        if (ofEpoch < epoch) {
            return new Ack(chunksInEpoch.get(ofEpoch), endSeen, exitSeen, Long.MAX_VALUE);
        }
        if (ofEpoch == epoch) {
            return new Ack(seq, endSeen, exitSeen, Math.max(0, limit - (offset - kept)));
        }
        return new Ack(0, endSeen, exitSeen, Math.max(0, MAX_WAITING_BYTES - waitingBytes));
    }

    /**
     * {@code reader} takes the job's output from byte {@code from} on: what the spool kept of it
     * first, then whatever comes. Fails when home no longer has output from there.
     */
    public synchronized void attach(OutputReader reader, long from) throws IOException {
        if (from < kept || from > offset) {
            throw new IOException("home has " + job + "'s output from byte " + kept + " to " + offset + ", not from "
                    + from);
        }
        this.reader = reader;
        unwanted = false;
        reader.more();
    }

    public synchronized boolean isAttached() {
        return reader != null;
    }

    /** The attached reader is gone; output is kept for the next one. */
    public synchronized void detach(OutputReader gone) {
        if (reader == gone) {
            reader = null;
        }
    }

    /** At most {@code max} bytes of the output from byte {@code from} on: none when nothing more is delivered yet. */
    public synchronized byte[] read(long from, int max) throws IOException {
        if (from < kept || from > offset) {
            throw new IOException("home has " + job + "'s output from byte " + kept + " to " + offset + ", not from "
                    + from);
        }
        return spool.read(from, (int) Math.min(max, offset - from));
    }

    /** The attached reader has the job's output below byte {@code upTo}: home lets go of it, and has room again. */
    public synchronized void received(long upTo) {
        long has = Math.min(upTo, offset);
        if (has <= kept) {
            return;
        }
        journal.append(Entry.newBuilder().setHomeReceived(HomeReceived.newBuilder().setJob(job.value())
                .setOffset(has)).build());
        kept = has;
        drain();
    }

    /**
     * No reader has come back for the job's output, and none is waited for any more: it is let
     * go of, from what is kept now on, as it is delivered, so that the job runs to its end
     * instead of waiting in its write. A reader that attaches later gets what comes from then on.
     */
    public synchronized void letGoUnread() {
        unwanted = true;
        received(offset);
    }

    public CompletableFuture<ExitStatus> exit() {
        return exit;
    }

    /** The job's ssi-run has its end, or nobody will want its output: the spool goes. */
    public synchronized void close() {
        try {
            spool.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete the output spool of " + job + ": " + e.getMessage());
        }
    }

    /** Delivers, in order, what has come and fits in the spool; the reader hears of it, and of the end once all is delivered. */
    private void drain() {
        boolean more = false;
        while (true) {
            if (unwanted && kept < offset) {
                kept = offset;
                journal.append(Entry.newBuilder().setHomeReceived(HomeReceived.newBuilder().setJob(job.value())
                        .setOffset(kept)).build());
            }
            if (chunksInEpoch.getOrDefault(epoch, -1L) == seq) {
                epoch++;
                seq = 0;
                continue;
            }
            long key = key(epoch, seq);
            byte[] next = waiting.get(key);
            if (next == null || (offset - kept) + next.length > limit || !spooled(next)) {
                break;
            }
            waiting.remove(key);
            waitingBytes -= next.length;
            journal.append(Entry.newBuilder().setHomeDelivered(HomeDelivered.newBuilder().setJob(job.value())
                    .setEpoch(epoch).setSeq(seq).setOffset(offset).setData(ByteString.copyFrom(next))).build());
            offset += next.length;
            seq++;
            more = true;
        }
        boolean ended = status != null && epoch > statusEpoch && !exit.isDone();
        if ((more || ended) && reader != null) {
            reader.more();
        }
        if (ended) {
            exit.complete(status);
        }
    }

    /** Writes the next chunk to the spool; a disk that fails leaves it undelivered, for its host to send again. */
    private boolean spooled(byte[] next) {
        try {
            spool.write(offset, next);
            spoolFailed = false;
            return true;
        } catch (IOException e) {
            if (!spoolFailed) {
                LOG.log(System.Logger.Level.WARNING, "cannot spool the output of " + job + " (" + e.getMessage()
                        + "); it waits until the disk takes it");
            }
            spoolFailed = true;
            return false;
        }
    }

    private static long key(int chunkEpoch, long chunkSeq) {
        return ((long) chunkEpoch << 40) | chunkSeq;
    }
}
