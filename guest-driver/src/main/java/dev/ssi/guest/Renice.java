package dev.ssi.guest;

import java.io.IOException;
import java.util.List;

/** Sets the nice level of every thread of a guest domain's QEMU. */
final class Renice {
    private Renice() {}

    static void process(long pid, int nice) {
        try {
            dev.ssi.daemon.confine.ThreadNice.processes(List.of(Math.toIntExact(pid)), nice);
        } catch (IOException e) {
            throw new GuestException(e.getMessage(), e);
        }
    }
}
