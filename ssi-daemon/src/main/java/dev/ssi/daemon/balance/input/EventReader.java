package dev.ssi.daemon.balance.input;

import dev.ssi.daemon.concurrent.Threads;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * One input device ({@code /dev/input/eventN}) read by a daemon thread that sleeps in
 * {@code read} until the device has events: each read that returns some is input now. What the
 * events say is not looked at. Closing it closes the device, which wakes the thread to end.
 */
final class EventReader implements InputSource {
    private static final int EVENTS_PER_READ = 64;
    /** {@code struct input_event} on a 64-bit machine: a timeval, type, code and value. */
    private static final int EVENT_BYTES = 24;

    private final Path device;
    private final FileChannel channel;
    private final LongSupplier clock;
    private final Thread thread;
    private volatile long lastInput = -1;
    private volatile boolean ended;

    private EventReader(Path device, FileChannel channel, LongSupplier clock) {
        this.device = device;
        this.channel = channel;
        this.clock = clock;
        this.thread = Threads.named("ssi-input " + device.getFileName()).newThread(this::read);
    }

    /** Opens {@code device} and starts reading it; an error if it cannot be opened (no such device, no right to). */
    static EventReader open(Path device, LongSupplier clock) throws IOException {
        EventReader reader = new EventReader(device, FileChannel.open(device, StandardOpenOption.READ), clock);
        reader.thread.start();
        return reader;
    }

    Path device() {
        return device;
    }

    /** Whether reading has stopped: closed, or the device is gone (unplugged). */
    boolean ended() {
        return ended;
    }

    @Override
    public OptionalLong lastInputMillis() {
        long at = lastInput;
        return at < 0 ? OptionalLong.empty() : OptionalLong.of(at);
    }

    private void read() {
        ByteBuffer buffer = ByteBuffer.allocate(EVENTS_PER_READ * EVENT_BYTES);
        try {
            while (channel.read(buffer) > 0) {
                lastInput = clock.getAsLong();
                buffer.clear();
            }
        } catch (IOException e) {
            // Closed, or the device went away: either way there is nothing more to read.
        } finally {
            ended = true;
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
            thread.join(1_000);
        } catch (IOException e) {
            // Closing a device that is gone: nothing left to release.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
