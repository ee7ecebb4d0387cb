package dev.ssi.daemon.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What keeps a job from moving: a socket (a TCP connection would break, and CRIU could not bring
 * it up on another address) or a terminal. Pipes inside the job, regular files and the stdio
 * pipes ssid holds all move.
 */
final class PinCheck {
    private static final Set<String> MOVABLE_DEVICES = Set.of("/dev/null", "/dev/zero", "/dev/urandom", "/dev/random");

    private PinCheck() {}

    /** Why the tree at {@code tasks} cannot move, or empty when it can. */
    static Optional<String> reason(List<ProcessHandle> tasks) {
        Set<String> tcp = tcpInodes();
        for (ProcessHandle task : tasks) {
            Path fds = Path.of("/proc", Long.toString(task.pid()), "fd");
            try (var entries = Files.list(fds)) {
                for (Path fd : (Iterable<Path>) entries::iterator) {
                    Optional<String> why = reasonFor(Files.readSymbolicLink(fd).toString(), tcp);
                    if (why.isPresent()) {
                        return why;
                    }
                }
            } catch (IOException e) {
                // The task ended while we looked: it holds nothing any more.
            }
        }
        return Optional.empty();
    }

    private static Optional<String> reasonFor(String target, Set<String> tcp) {
        if (target.startsWith("socket:[")) {
            String inode = target.substring("socket:[".length(), target.length() - 1);
            return Optional.of(tcp.contains(inode) ? "holds a TCP connection" : "holds a socket");
        }
        if (target.startsWith("/dev/") && !MOVABLE_DEVICES.contains(target)) {
            return Optional.of(target.startsWith("/dev/pts/") || target.startsWith("/dev/tty")
                    ? "holds a terminal" : "holds the device " + target);
        }
        return Optional.empty();
    }

    /** Inodes of this network namespace's TCP sockets, from /proc/net/tcp and tcp6 (10th column). */
    private static Set<String> tcpInodes() {
        Set<String> inodes = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                    String[] columns = line.trim().split("\\s+");
                    if (columns.length > 9) {
                        inodes.add(columns[9]);
                    }
                }
            } catch (IOException e) {
                // No such table (no IPv6, say): no sockets of that kind.
            }
        }
        return inodes;
    }
}
