package dev.ssi.daemon.balance.input;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * When the owner last touched the keyboard or mouse, by every trace there is: the input devices
 * themselves where ssid may read them, the keyboard's and mouse's interrupt counters, and the
 * terminals' access times. Closing it stops the device readers.
 */
public final class InputActivity implements AutoCloseable {
    private static final InputActivity NONE = new InputActivity(List.of());

    private final List<InputSource> sources;

    InputActivity(List<InputSource> sources) {
        this.sources = List.copyOf(sources);
    }

    /** Watches this machine's input devices, interrupts, and the ttys of {@code reclaim.input-ttys} ({@code ttys}). */
    public static InputActivity watching(String ttys) {
        LongSupplier clock = System::currentTimeMillis;
        return new InputActivity(List.of(new InputDevices(Path.of("/proc/bus/input/devices"), Path.of("/dev/input"), clock),
                new InterruptCounters(Path.of("/proc/interrupts"), clock), new TtyAccess(TtyPattern.parse(ttys))));
    }

    /** Watches nothing: the input rule is off. */
    public static InputActivity none() {
        return NONE;
    }

    /** Checks {@code reclaim.input-ttys}; an error that names the key if it is not a list of absolute paths or globs. */
    public static void checkTtys(String ttys) {
        TtyPattern.parse(ttys);
    }

    /** The latest input any source saw, in milliseconds since the epoch; empty if none saw any. */
    public OptionalLong lastInputMillis() {
        OptionalLong latest = OptionalLong.empty();
        for (InputSource source : sources) {
            OptionalLong at = source.lastInputMillis();
            if (at.isPresent() && (latest.isEmpty() || at.getAsLong() > latest.getAsLong())) {
                latest = at;
            }
        }
        return latest;
    }

    @Override
    public void close() {
        sources.forEach(InputSource::close);
    }
}
