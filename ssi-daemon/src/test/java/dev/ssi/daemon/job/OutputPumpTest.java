package dev.ssi.daemon.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.checkpoint.os.Pipe;
import dev.ssi.checkpoint.os.Spool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The output pump over a real pipe and a real spool file: nothing taken from the pipe is lost with its ssid. */
class OutputPumpTest {
    @TempDir
    Path dir;

    @Test
    void bytesAPumpTookFromThePipeButNeverHandedOnComeOutOfTheNextPump() throws Exception {
        {
            Pipe pipe = firstLineTakenByAPumpThatDied();

            Collected out = pump(pipe, dir.resolve("spool"), OutputCursor.START);

            assertEquals("first line\nthen more\n", out.text());
            assertEquals(List.of(0L, 1L), out.seqs);
        }
    }

    @Test
    void whatWasJournaledIsNotHandedOnAgain() throws Exception {
        {
            Pipe pipe = firstLineTakenByAPumpThatDied();

            Collected out = pump(pipe, dir.resolve("spool"), new OutputCursor(1, "first line\n".length()));

            assertEquals("then more\n", out.text());
            assertEquals(List.of(1L), out.seqs);
            assertEquals(2L, out.end.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aLostSpoolFileStillNumbersTheOutputOnFromTheCursor() throws Exception {
        {
            Pipe pipe = Pipe.open();
            write(pipe, "after a restart\n");
            pipe.closeWriteEnd();

            Collected out = pump(pipe, dir.resolve("never-made"), new OutputCursor(5, 1000));

            assertEquals("after a restart\n", out.text());
            assertEquals(List.of(5L), out.seqs);
        }
    }

    @Test
    void aSpoolThatCannotBeMadeCostsCrashSafetyButNoOutput() throws Exception {
        {
            Pipe pipe = Pipe.open();
            write(pipe, "still here\n");
            pipe.closeWriteEnd();

            Collected out = pump(pipe, dir.resolve("no-such-directory").resolve("spool"), new OutputCursor(3, 0));

            assertEquals("still here\n", out.text());
            assertEquals(List.of(3L), out.seqs);
            assertEquals(4L, out.end.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void outputLargerThanAChunkArrivesWholeAndInOrder() throws Exception {
        byte[] big = new byte[1 << 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + i / 7);
        }
        {
            Pipe pipe = Pipe.open();
            CompletableFuture<Collected> pumped = CompletableFuture.supplyAsync(() -> {
                try {
                    return pump(pipe, dir.resolve("spool"), OutputCursor.START);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (OutputStream w = pipe.outputStream()) {
                w.write(big);
            }
            Collected out = pumped.get(30, TimeUnit.SECONDS);
            assertEquals(big.length, out.bytes.size());
            org.junit.jupiter.api.Assertions.assertArrayEquals(big, out.bytes.toByteArray());
        }
    }

    @Test
    void withoutRoomThePipeIsLeftUnreadSoItsWriterWaitsAndOnceThereIsRoomAllGoesOn() throws Exception {
        byte[] big = new byte[1 << 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7 + i / 13);
        }
        try (Pipe status = Pipe.open()) {
            // Its read end is the pump's, which closes it at the end; its write end the writer's.
            Pipe pipe = Pipe.open();
            Gated sink = new Gated();
            OutputPump pump = OutputPump.start(new JobId("ws/1"), 1, RunningJob.adopt(0, pipe.readFd(), status.readFd(), ""),
                    dir.resolve("spool"), OutputCursor.START, sink);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (OutputStream w = pipe.outputStream()) {
                    w.write(big);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(500);
            assertTrue(!writer.isDone(), "the writer waits in its write");
            assertEquals(0, sink.bytes.size(), "nothing was handed on without room");
            assertEquals(0, java.nio.file.Files.size(dir.resolve("spool")), "nothing was taken from the pipe");

            sink.open();

            writer.get(30, TimeUnit.SECONDS);
            pump.drained().get(30, TimeUnit.SECONDS);
            org.junit.jupiter.api.Assertions.assertArrayEquals(big, sink.bytes.toByteArray());
        }
    }

    @Test
    void aJobLeavingHasItsPipeEmptiedIntoTheSpoolWhateverTheRoomAndTheRestGoesOnLater() throws Exception {
        try (Pipe status = Pipe.open()) {
            // Its read end is the pump's, which closes it at the end; its write end the writer's.
            Pipe pipe = Pipe.open();
            write(pipe, "written before it stopped\n");
            pipe.closeWriteEnd();
            Gated sink = new Gated();
            OutputPump pump = OutputPump.start(new JobId("ws/1"), 1, RunningJob.adopt(0, pipe.readFd(), status.readFd(), ""),
                    dir.resolve("spool"), OutputCursor.START, sink);

            pump.emptyPipe().get(30, TimeUnit.SECONDS);
            assertEquals("written before it stopped\n".length(), java.nio.file.Files.size(dir.resolve("spool")));
            assertEquals("", sink.text(), "nothing is handed on without room");

            sink.open();

            assertEquals(1L, pump.drained().get(30, TimeUnit.SECONDS));
            assertEquals("written before it stopped\n", sink.text());
        }
    }

    /** A pipe holding "then more\n", whose "first line\n" a pump took into the spool before its ssid was killed. */
    private Pipe firstLineTakenByAPumpThatDied() throws IOException {
        Pipe pipe = Pipe.open();
        write(pipe, "first line\n");
        takeAndDie(pipe, dir.resolve("spool"));
        write(pipe, "then more\n");
        pipe.closeWriteEnd();
        return pipe;
    }

    private static void write(Pipe pipe, String text) throws IOException {
        pipe.outputStream().write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** What a pump does before it hands a chunk on, and then its ssid is killed. */
    private static void takeAndDie(Pipe pipe, Path spool) throws IOException {
        try (Spool taken = Spool.open(spool, 0)) {
            taken.takeFrom(pipe.readFd(), 64 * 1024);
        }
    }

    /** Pumps the pipe to its end (the pump closes our read end, as ssid's does). */
    private static Collected pump(Pipe pipe, Path spool, OutputCursor from) throws Exception {
        try (Pipe status = Pipe.open()) {
            RunningJob running = RunningJob.adopt(0, pipe.readFd(), status.readFd(), "");
            Collected out = new Collected();
            OutputPump.start(new JobId("ws/1"), 1, running, spool, from, out).drained().get(30, TimeUnit.SECONDS);
            return out;
        }
    }

    /** A sink that has no room until it is opened. */
    private static final class Gated extends Collected {
        private boolean open;
        private Runnable waiting;

        @Override
        public synchronized boolean hasRoom(JobId job, int epoch) {
            return open;
        }

        @Override
        public void whenRoom(JobId job, int epoch, Runnable then) {
            synchronized (this) {
                if (!open) {
                    waiting = then;
                    return;
                }
            }
            then.run();
        }

        void open() {
            Runnable wake;
            synchronized (this) {
                open = true;
                wake = waiting;
                waiting = null;
            }
            if (wake != null) {
                wake.run();
            }
        }
    }

    /** A sink with room for everything. */
    private static class Collected implements WindowedSink {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Long> seqs = new ArrayList<>();
        final CompletableFuture<Long> end = new CompletableFuture<>();

        @Override
        public synchronized void chunk(JobId job, int epoch, long seq, byte[] data) {
            seqs.add(seq);
            bytes.writeBytes(data);
        }

        @Override
        public void end(JobId job, int epoch, long chunks) {
            end.complete(chunks);
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        @Override
        public boolean hasRoom(JobId job, int epoch) {
            return true;
        }

        @Override
        public void whenRoom(JobId job, int epoch, Runnable then) {
            then.run();
        }
    }
}
