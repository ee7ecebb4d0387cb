package dev.ssi.daemon.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.daemon.journal.Journal;
import dev.ssi.transport.NodeId;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox over a real journal: an epoch sends home no more than home's acknowledgements
 * leave room for, wakes its pump when they make room, and probes a silent home with one chunk,
 * not with all it holds.
 */
@Timeout(60)
class OutboxTest {
    private static final JobId JOB = JobId.of("ws", 1);
    private static final int CHUNK = 64 * 1024;

    @TempDir
    Path state;
    private Journal journal;
    private Outbox outbox;
    private final List<Long> sent = new CopyOnWriteArrayList<>();

    @BeforeEach
    void outboxOfOneEpoch() throws Exception {
        journal = Journal.open(state);
        outbox = new Outbox(journal, (job, epoch) -> { });
        outbox.open(JOB, 0, new HomeLink() {
            @Override
            public void arrived(JobId job, NodeId node, int epoch) {
            }

            @Override
            public void exited(JobId job, int epoch, ExitStatus status) {
            }

            @Override
            public void chunk(JobId job, int epoch, long seq, byte[] data) {
                sent.add(seq);
            }

            @Override
            public void end(JobId job, int epoch, long chunks) {
            }
        }, Map.of(), 0);
    }

    @AfterEach
    void close() {
        journal.close();
    }

    @Test
    void anEpochHasRoomOnlyWhileHomeSaysItHasAndItsPumpIsWokenWhenItHasAgain() {
        AtomicInteger woken = new AtomicInteger();
        outbox.chunk(JOB, 0, 0, new byte[CHUNK]);
        outbox.acknowledged(JOB, 0, 1, false, false, 0);
        assertTrue(outbox.hasRoom(JOB, 0), "with nothing on its way, one chunk may go: it asks home for room");
        outbox.chunk(JOB, 0, 1, new byte[CHUNK]);
        assertFalse(outbox.hasRoom(JOB, 0), "home's spool is full");
        outbox.whenRoom(JOB, 0, woken::incrementAndGet);
        assertEquals(0, woken.get());

        outbox.acknowledged(JOB, 0, 1, false, false, 2 * CHUNK);

        assertEquals(1, woken.get());
        assertTrue(outbox.hasRoom(JOB, 0));
    }

    @Test
    void whatHomeHasNotAcknowledgedIsBoundedWhateverRoomItGives() {
        long seq = 0;
        while (outbox.hasRoom(JOB, 0)) {
            outbox.chunk(JOB, 0, seq++, new byte[CHUNK]);
        }
        assertEquals(Outbox.MAX_UNACKED_BYTES / CHUNK, seq);
    }

    @Test
    void aSilentHomeIsProbedWithTheOldestChunkAloneThenSentWhatItHasRoomFor() throws Exception {
        for (long seq = 0; seq < 4; seq++) {
            outbox.chunk(JOB, 0, seq, new byte[CHUNK]);
        }
        sent.clear();
        Thread.sleep(1100);

        outbox.resendUnacknowledged();
        assertEquals(List.of(0L), sent, "one chunk probes home");

        sent.clear();
        outbox.acknowledged(JOB, 0, 1, false, false, 2 * CHUNK + CHUNK / 2);
        assertEquals(List.of(1L, 2L), sent, "home took the probe: what fits in its room goes again at once");
    }
}
