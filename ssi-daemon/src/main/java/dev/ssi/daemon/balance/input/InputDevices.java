package dev.ssi.daemon.balance.input;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The keyboards and mice among the machine's input devices ({@code /proc/bus/input/devices}),
 * each read by an {@link EventReader}. The list is read again at each look, so that a keyboard
 * plugged in later counts too and one unplugged is let go. A device that cannot be opened (ssid
 * not root, nor in group input) is said once in the log and left alone.
 */
final class InputDevices implements InputSource {
    private static final System.Logger LOG = System.getLogger(InputDevices.class.getName());
    /** {@code EV_REP}: autorepeat, which keyboards have and buttons (power, lid) do not. */
    private static final int EV_REP = 0x14;

    private final Path list;
    private final Path dir;
    private final LongSupplier clock;
    private final Map<Path, EventReader> readers = new HashMap<>();
    private final Set<Path> refused = new HashSet<>();

    InputDevices(Path list, Path dir, LongSupplier clock) {
        this.list = list;
        this.dir = dir;
        this.clock = clock;
    }

    @Override
    public synchronized OptionalLong lastInputMillis() {
        Set<Path> present = new HashSet<>();
        for (String event : keyboardsAndMice(read(list))) {
            Path device = dir.resolve(event);
            present.add(device);
            if (!readers.containsKey(device) && !refused.contains(device)) {
                open(device);
            }
        }
        readers.values().removeIf(reader -> {
            boolean gone = reader.ended() || !present.contains(reader.device());
            if (gone) {
                reader.close();
            }
            return gone;
        });
        OptionalLong latest = OptionalLong.empty();
        for (EventReader reader : readers.values()) {
            OptionalLong at = reader.lastInputMillis();
            if (at.isPresent() && (latest.isEmpty() || at.getAsLong() > latest.getAsLong())) {
                latest = at;
            }
        }
        return latest;
    }

    private void open(Path device) {
        try {
            readers.put(device, EventReader.open(device, clock));
            LOG.log(System.Logger.Level.INFO, "watching " + device + " for the owner's input");
        } catch (AccessDeniedException e) {
            refused.add(device);
            LOG.log(System.Logger.Level.INFO, "cannot read " + device + " (not root, nor in group input): "
                    + "its input does not count");
        } catch (IOException e) {
            refused.add(device);
            LOG.log(System.Logger.Level.INFO, "cannot read " + device + ": " + e.getMessage());
        }
    }

    private static String read(Path list) {
        try {
            return Files.readString(list);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The event device names ({@code event3}) of the devices in {@code devices} (the format of
     * {@code /proc/bus/input/devices}) that are pointers (a {@code mouseN} handler) or keyboards
     * (a {@code kbd} handler and autorepeat).
     */
    static List<String> keyboardsAndMice(String devices) {
        List<String> events = new ArrayList<>();
        for (String block : devices.split("\n\\s*\n")) {
            String event = null;
            boolean pointer = false;
            boolean kbd = false;
            long ev = 0;
            for (String line : block.split("\n")) {
                if (line.startsWith("H: Handlers=")) {
                    for (String handler : line.substring("H: Handlers=".length()).trim().split("\\s+")) {
                        event = handler.matches("event\\d+") ? handler : event;
                        pointer |= handler.matches("mouse\\d+");
                        kbd |= handler.equals("kbd");
                    }
                } else if (line.startsWith("B: EV=")) {
                    ev = Long.parseUnsignedLong(line.substring("B: EV=".length()).trim(), 16);
                }
            }
            boolean keyboard = kbd && (ev & (1L << EV_REP)) != 0;
            if (event != null && (pointer || keyboard)) {
                events.add(event);
            }
        }
        return events;
    }

    @Override
    public synchronized void close() {
        readers.values().forEach(EventReader::close);
        readers.clear();
    }
}
