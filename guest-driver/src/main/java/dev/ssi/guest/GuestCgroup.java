package dev.ssi.guest;

import dev.ssi.daemon.confine.CgroupFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The cgroup one guest domain's QEMU runs in, e.g. {@code ssi-guests/g1}: its CPU weight and
 * quota. cgroup v2 where {@code cpu} is on the unified hierarchy ({@code cpu.weight},
 * {@code cpu.max}), else the v1 {@code cpu} hierarchy ({@code cpu.shares}, CFS quota) — the same
 * two layouts the local pool's cgroups handle.
 */
final class GuestCgroup {
    private static final long REMOVE_DEADLINE_NANOS = 10_000_000_000L;

    private final Path root;
    private final boolean unified;
    private final String path;

    private GuestCgroup(Path root, boolean unified, String path) {
        this.root = root;
        this.unified = unified;
        this.path = path;
    }

    /** The cgroup at this path (relative to the hierarchy's root) on this machine's cpu hierarchy. */
    static GuestCgroup at(String path) {
        if (!path.matches("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*") || List.of(path.split("/")).contains("..")) {
            throw new GuestException("'" + path + "' is not a relative cgroup path");
        }
        List<String> mounts;
        try {
            mounts = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            throw new GuestException("cannot read /proc/self/mountinfo: " + e.getMessage(), e);
        }
        Path v1 = null;
        for (String line : mounts) {
            String[] before = line.split(" - ", 2)[0].split(" ");
            String[] after = line.split(" - ", 2)[1].split(" ");
            Path mountPoint = Path.of(before[4].replace("\\040", " "));
            if (after[0].equals("cgroup2") && controllers(mountPoint).contains("cpu")) {
                return new GuestCgroup(mountPoint, true, path);
            }
            if (after[0].equals("cgroup") && List.of(after[2].split(",")).contains("cpu")) {
                v1 = mountPoint;
            }
        }
        if (v1 == null) {
            throw new GuestException("this machine mounts no cgroup hierarchy with the cpu controller");
        }
        return new GuestCgroup(v1, false, path);
    }

    String path() {
        return path;
    }

    Path dir() {
        return root.resolve(path);
    }

    /** Makes the cgroup (and its parents, each passing the cpu controller down) and sets its limits. */
    void create(GuestCpu cpu) {
        if (unified) {
            Path dir = root;
            for (String part : path.split("/")) {
                write(dir.resolve("cgroup.subtree_control"), "+cpu");
                dir = dir.resolve(part);
                makeDir(dir);
            }
        } else {
            makeDir(dir());
        }
        apply(cpu);
    }

    void apply(GuestCpu cpu) {
        CgroupFiles.cpu(unified, cpu.weight(), cpu.hasQuota() ? OptionalDouble.of(cpu.quotaCpus()) : OptionalDouble.empty())
                .forEach((file, value) -> write(dir().resolve(file), value));
    }

    /** Moves a process, every thread of it, into the cgroup. */
    void add(long pid) {
        write(dir().resolve("cgroup.procs"), Long.toString(pid));
    }

    /** Removes the cgroup once the processes that were in it are gone; one already gone is fine. */
    void remove() {
        long deadline = System.nanoTime() + REMOVE_DEADLINE_NANOS;
        while (true) {
            try {
                Files.deleteIfExists(dir());
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new GuestException("cannot remove cgroup " + dir() + ": " + e.getMessage(), e);
                }
                try {
                    Thread.sleep(20); // a process that has just died is still counted for a moment
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new GuestException("interrupted while removing cgroup " + dir(), interrupted);
                }
            }
        }
    }

    private static List<String> controllers(Path mountPoint) {
        try {
            return List.of(Files.readString(mountPoint.resolve("cgroup.controllers")).strip().split("\\s+"));
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void makeDir(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new GuestException("cannot make cgroup " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, String value) {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new GuestException("cannot write '" + value + "' to " + file + ": " + e.getMessage(), e);
        }
    }
}
