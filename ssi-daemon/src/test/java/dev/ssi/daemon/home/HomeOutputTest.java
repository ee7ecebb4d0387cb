package dev.ssi.daemon.home;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.Outbox;
import dev.ssi.daemon.job.Owner;
import dev.ssi.daemon.journal.Journal;
import dev.ssi.transport.NodeId;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job's output at its home, over a real journal and a real spool file: never more than the
 * spool limit waits for the reader; what does not fit is not taken (the acknowledgement says how
 * much room there is), and goes on as the reader says what it has.
 */
@Timeout(60)
class HomeOutputTest {
    private static final JobId JOB = JobId.of("ws", 1);
    private static final int CHUNK = 64 * 1024;
    private static final SpoolLimit LIMIT = new SpoolLimit(SpoolLimit.LEAST);
    private static final int FITTING = (int) (SpoolLimit.LEAST / CHUNK);

    @TempDir
    Path state;
    private Journal journal;
    private Path spool;
    private HomeOutput output;

    @BeforeEach
    void outputOfOneJob() throws Exception {
        journal = Journal.open(state);
        spool = state.resolve("ws-1");
        output = HomeOutput.create(JOB, journal, spool, LIMIT);
    }

    @AfterEach
    void close() {
        output.close();
        journal.close();
    }

    @Test
    void outputBeyondTheLimitIsNotTakenAndTheAckSaysThereIsNoRoom() throws Exception {
        for (int seq = 0; seq <= FITTING; seq++) {
            output.chunk(0, seq, chunk(seq));
        }

        HomeOutput.Ack ack = output.ack(0);
        assertEquals(FITTING, ack.nextSeq(), "the chunk beyond the limit is not acknowledged");
        assertEquals(0, ack.room());
        assertTrue(Files.size(spool) <= LIMIT.bytes(), "the spool holds " + Files.size(spool));
    }

    @Test
    void whatTheReaderHasMakesRoomAndTheChunkThatWaitedGoesOn() throws Exception {
        for (int seq = 0; seq <= FITTING; seq++) {
            output.chunk(0, seq, chunk(seq));
        }
        Reader reader = attach(0);

        reader.readAll();
        output.received(2 * CHUNK);

        assertEquals(FITTING + 1, output.ack(0).nextSeq(), "the next chunk, kept for its turn, is taken now");
        assertEquals(CHUNK, output.ack(0).room());
        reader.readAll();
        assertEquals((FITTING + 1) * CHUNK, reader.bytes.size());
    }

    @Test
    void aReaderGetsEveryByteInOrderThoughTheSpoolGoesRoundSeveralTimes() throws Exception {
        Reader reader = attach(0);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        for (int seq = 0; seq < 4 * FITTING; seq++) {
            byte[] data = chunk(seq);
            output.chunk(0, seq, data);
            sent.writeBytes(data);
            reader.readAll();
            output.received(reader.bytes.size());
        }
        assertArrayEquals(sent.toByteArray(), reader.bytes.toByteArray());
        assertTrue(Files.size(spool) <= LIMIT.bytes());
    }

    @Test
    void chunksAheadOfTheirTurnAreKeptOnlyUpToABound() {
        int kept = (int) (HomeOutput.MAX_WAITING_BYTES / CHUNK);
        for (int seq = 0; seq < kept + 3; seq++) {
            output.chunk(1, seq, chunk(seq));
        }
        assertEquals(0, output.ack(1).room(), "an epoch after the one delivered now waits, in memory, at most so much");

        output.end(0, 0);

        assertEquals(kept, output.ack(1).nextSeq(), "what was kept is delivered once its turn comes; the rest comes again");
    }

    @Test
    void theExitComesAfterTheLastByteThoughItWasKnownBefore() throws Exception {
        for (int seq = 0; seq <= FITTING; seq++) {
            output.chunk(0, seq, chunk(seq));
        }
        output.end(0, FITTING + 1);
        output.exited(0, ExitStatus.exited(3));
        assertFalse(output.exit().isDone(), "one chunk is not delivered yet");

        output.received(CHUNK);

        assertEquals(ExitStatus.exited(3), output.exit().getNow(null));
    }

    @Test
    void aJobAtHomeWhoseSpoolFilledToTheByteGoesOnOnceItsReaderHasRead() throws Exception {
        Outbox outbox = new Outbox(journal, (job, epoch) -> { });
        HomeJob job = new HomeJob(journal, JOB, List.of("seq"), Owner.ROOT, NodeId.of("ws"), Instant.now(), output);
        outbox.open(JOB, 0, new LocalHomeLink(Map.of(JOB, job), outbox), Map.of(), 0);
        int seq = 0;
        while (outbox.hasRoom(JOB, 0)) {
            outbox.chunk(JOB, 0, seq, chunk(seq));
            seq++;
        }
        assertEquals(FITTING + 1, seq, "the spool's worth, and one more chunk that asks for room");
        assertEquals(0, output.ack(0).room());

        Reader reader = attach(0);
        reader.readAll();
        output.received(reader.bytes.size());
        Thread.sleep(1100);
        outbox.resendUnacknowledged();

        assertTrue(outbox.hasRoom(JOB, 0), "the probe's answer gave the outbox room again");
        reader.readAll();
        assertEquals((FITTING + 1) * CHUNK, reader.bytes.size());
    }

    @Test
    void outputNobodyWillReadIsLetGoOfSoTheJobRunsToItsEnd() {
        for (int seq = 0; seq <= FITTING; seq++) {
            output.chunk(0, seq, chunk(seq));
        }
        assertEquals(FITTING, output.ack(0).nextSeq());

        output.letGoUnread();
        for (int seq = FITTING + 1; seq < 3 * FITTING; seq++) {
            output.chunk(0, seq, chunk(seq));
        }
        assertEquals(3 * FITTING, output.ack(0).nextSeq());
        assertEquals(LIMIT.bytes(), output.ack(0).room(), "nothing is kept");
        output.end(0, 3 * FITTING);
        output.exited(0, ExitStatus.exited(0));

        assertEquals(ExitStatus.exited(0), output.exit().getNow(null));
    }

    @Test
    void anAttachmentFromOutputNoLongerKeptIsRefused() throws Exception {
        output.chunk(0, 0, chunk(0));
        output.chunk(0, 1, chunk(1));
        output.received(CHUNK);
        Reader late = new Reader();
        Exception refused = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> output.attach(late, 0));
        assertTrue(refused.getMessage().contains("from byte " + CHUNK), refused.getMessage());
        output.attach(late, CHUNK);
        late.from = CHUNK;
        late.readAll();
        assertArrayEquals(chunk(1), late.bytes.toByteArray());
    }

    private Reader attach(long from) throws Exception {
        Reader reader = new Reader();
        output.attach(reader, from);
        return reader;
    }

    /** A chunk whose bytes say which it is. */
    private static byte[] chunk(int seq) {
        byte[] data = new byte[CHUNK];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (seq * 31 + i);
        }
        return data;
    }

    /** A reader that reads when told to, not when home says there is more. */
    private final class Reader implements OutputReader {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long from;

        @Override
        public void more() {
            // Read when the test says.
        }

        void readAll() throws Exception {
            for (byte[] b; (b = output.read(from + bytes.size(), CHUNK)).length > 0; ) {
                bytes.writeBytes(b);
            }
        }
    }
}
