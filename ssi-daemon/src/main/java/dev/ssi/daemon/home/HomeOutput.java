package dev.ssi.daemon.home;

import dev.ssi.checkpoint.os.ExitStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A job's output as its home delivers it: chunks numbered by epoch (one per place the job ran)
 * and sequence arrive in any order, and some more than once, from wherever the job is; they
 * reach the user's stream in order and once, and the exit status only after the last chunk.
 * What it has is what it acknowledges ({@link #ack}), so that hosts stop sending it again.
 */
public final class HomeOutput {
    private final OutputStream user;
    private final Map<Long, byte[]> waiting = new HashMap<>();
    private final Map<Integer, Long> chunksInEpoch = new HashMap<>();
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private int epoch;
    private long seq;
    private ExitStatus status;
    private int statusEpoch = -1;

    public HomeOutput(OutputStream user) {
        this.user = user;
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

    public synchronized Ack ack(int ofEpoch) {
        long next;
        if (ofEpoch < epoch) {
            next = chunksInEpoch.get(ofEpoch);
        } else {
            next = ofEpoch == epoch ? seq : 0;
            while (waiting.containsKey(key(ofEpoch, next))) {
                next++;
            }
        }
        return new Ack(next, chunksInEpoch.containsKey(ofEpoch), status != null && statusEpoch == ofEpoch);
    }

    public synchronized void end(int endedEpoch, long chunks) {
        chunksInEpoch.put(endedEpoch, chunks);
        drain();
    }

    /** The job ended in {@code finalEpoch}; reported once that epoch's output is all delivered. */
    public synchronized void exited(int finalEpoch, ExitStatus exitStatus) {
        status = exitStatus;
        statusEpoch = finalEpoch;
        drain();
    }

    public CompletableFuture<ExitStatus> exit() {
        return exit;
    }

    private void drain() {
        while (true) {
            byte[] next = waiting.remove(key(epoch, seq));
            if (next != null) {
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
        try {
            user.write(data);
        } catch (IOException e) {
            // The user's terminal is gone; the job runs on and its status still comes home.
        }
    }

    private void flush() {
        try {
            user.flush();
        } catch (IOException e) {
            // As above.
        }
    }
}
