package dev.ssi.daemon.confine;

import dev.ssi.daemon.balance.load.OwnCgroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one cgroup all guest jobs of this node run in, made beneath the cgroup ssid itself runs in
 * (so that whatever limits ssid's own cgroup — a local pool's host — limits its guests too): in
 * the {@code cpu} hierarchy and, where there is one, the {@code memory} hierarchy (on cgroup v2
 * both are the one unified hierarchy). The cpuacct hierarchy is left alone: a guest's CPU time
 * still counts as ssid's cgroup's.
 */
final class GuestsCgroup {
    private static final long REMOVE_DEADLINE_NANOS = 5_000_000_000L;

    /** One hierarchy: ssid's own cgroup there and the guests' beneath it. */
    private record Hierarchy(OwnCgroup own, Path dir, boolean cpu, boolean memory) {}

    private final List<Hierarchy> hierarchies;

    private GuestsCgroup(List<Hierarchy> hierarchies) {
        this.hierarchies = hierarchies;
    }

    /** Makes the cgroup {@code name} beneath ssid's own (or takes it, made by an ssid before a restart). */
    static GuestsCgroup create(String name) throws IOException {
        OwnCgroup cpu = OwnCgroup.of("cpu").orElseThrow(() -> new IOException("no cgroup hierarchy has the cpu controller"));
        Optional<OwnCgroup> memory = OwnCgroup.of("memory");
        List<Hierarchy> hierarchies = new ArrayList<>();
        if (memory.isPresent() && memory.get().mountPoint().equals(cpu.mountPoint())) {
            hierarchies.add(new Hierarchy(cpu, cpu.dir().resolve(name), true, true));
        } else {
            hierarchies.add(new Hierarchy(cpu, cpu.dir().resolve(name), true, false));
            memory.ifPresent(m -> hierarchies.add(new Hierarchy(m, m.dir().resolve(name), false, true)));
        }
        for (Hierarchy h : hierarchies) {
            if (h.own().unified()) {
                // A controller reaches a child only where its parent enables it; a v2 cgroup that
                // holds processes itself cannot (unless it is the root).
                write(h.own().dir().resolve("cgroup.subtree_control"), ((h.cpu() ? "+cpu " : "") + (h.memory() ? "+memory" : "")).strip());
            }
            Files.createDirectories(h.dir());
        }
        return new GuestsCgroup(List.copyOf(hierarchies));
    }

    /** Writes the terms' CPU weight, CPU quota and memory limit. */
    void apply(GuestsConfig terms) throws IOException {
        for (Hierarchy h : hierarchies) {
            if (h.cpu()) {
                for (var file : CgroupFiles.cpu(h.own().unified(), terms.cpuWeight(), terms.cpuMax()).entrySet()) {
                    write(h.dir().resolve(file.getKey()), file.getValue());
                }
            }
            if (h.memory()) {
                for (var file : CgroupFiles.memory(h.own().unified(), terms.memoryMax()).entrySet()) {
                    write(h.dir().resolve(file.getKey()), file.getValue());
                }
            }
        }
    }

    /** Moves a process, every thread of it, into the guests' cgroup. */
    void add(int pid) throws IOException {
        for (Hierarchy h : hierarchies) {
            write(h.dir().resolve("cgroup.procs"), Integer.toString(pid));
        }
    }

    /** Moves a process back into ssid's own cgroup. */
    void release(int pid) throws IOException {
        for (Hierarchy h : hierarchies) {
            write(h.own().dir().resolve("cgroup.procs"), Integer.toString(pid));
        }
    }

    /** Removes the cgroup once it is empty (a process just killed is still counted for a moment). */
    void remove() throws IOException {
        long deadline = System.nanoTime() + REMOVE_DEADLINE_NANOS;
        for (Hierarchy h : hierarchies) {
            while (true) {
                try {
                    Files.deleteIfExists(h.dir());
                    break;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("cannot remove cgroup " + h.dir() + ": " + e.getMessage(), e);
                    }
                    pause();
                }
            }
        }
    }

    /** Its directories, one per hierarchy, the cpu hierarchy's first. */
    List<Path> dirs() {
        return hierarchies.stream().map(Hierarchy::dir).toList();
    }

    private static void write(Path file, String value) throws IOException {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new IOException("cannot write '" + value + "' to " + file + ": " + e.getMessage(), e);
        }
    }

    private static void pause() throws IOException {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while removing the guests' cgroup", e);
        }
    }
}
