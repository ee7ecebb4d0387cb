package dev.ssi.pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A pool's cgroups: one per pool ({@code /ssi-p3}) and beneath it one per host ({@code /ssi-p3/h1})
 * whose CPU quota stands for the host's cores. Machines differ: cgroup v2 where {@code cpu} is on
 * the unified hierarchy, else the v1 {@code cpu} and {@code cpuacct} hierarchies;
 * {@link #detect()} picks what this machine has.
 */
abstract class Cgroups {
    /** The CPU quota period, in microseconds (the kernel's default). */
    static final long PERIOD_MICROS = 100_000;
    private static final Duration KILL_DEADLINE = Duration.ofSeconds(10);

    /** The cgroup layout of this machine, read from this process's mount table. */
    static Cgroups detect() {
        List<String> mounts;
        try {
            mounts = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            throw new PoolException("cannot read /proc/self/mountinfo: " + e.getMessage(), e);
        }
        Path cpu = null;
        Path cpuacct = null;
        for (String line : mounts) {
            String[] before = line.split(" - ", 2)[0].split(" ");
            String[] after = line.split(" - ", 2)[1].split(" ");
            Path mountPoint = Path.of(before[4].replace("\\040", " "));
            if (after[0].equals("cgroup2") && CgroupsV2.hasCpuController(mountPoint)) {
                return new CgroupsV2(mountPoint);
            }
            if (after[0].equals("cgroup")) {
                List<String> options = Arrays.asList(after[2].split(","));
                cpu = options.contains("cpu") ? mountPoint : cpu;
                cpuacct = options.contains("cpuacct") ? mountPoint : cpuacct;
            }
        }
        if (cpu == null || cpuacct == null) {
            throw new PoolException("this machine mounts no cgroup hierarchy with the cpu controller "
                    + "(neither cgroup2 with cpu enabled nor the v1 cpu and cpuacct hierarchies)");
        }
        return new CgroupsV1(cpu, cpuacct);
    }

    /** The host's cgroup as /proc/PID/cgroup names it. */
    static String path(String pool, String host) {
        return "/" + pool + "/" + host;
    }

    /** Makes the pool's cgroup, with what its hosts' cgroups need enabled. */
    abstract void createPool(String pool);

    /** Makes a host's cgroup with a CPU quota of {@code cpus} cores. */
    final void createHost(String pool, String host, double cpus) {
        hostDirs(pool, host).forEach(Cgroups::makeDir);
        setQuota(pool, host, cpus);
    }

    /** Sets the CPU quota of a host's cgroup to {@code cpus} cores. */
    abstract void setQuota(String pool, String host, double cpus);

    /** Gives the pool's cgroup the highest CPU weight there is. */
    abstract void favour(String pool);

    /** The pool's cgroup directory in each hierarchy used. */
    abstract List<Path> poolDirs(String pool);

    /** The host's cgroup directories: a process joins the host by joining every one. */
    final List<Path> hostDirs(String pool, String host) {
        return poolDirs(pool).stream().map(dir -> dir.resolve(host)).toList();
    }

    /** CPU time used by every process that has run in the host's cgroup. */
    abstract Duration cpuUsage(String pool, String host);

    /** Kills every process in the pool's cgroups, and returns once they are gone. */
    void killAll(String pool) {
        long deadline = System.nanoTime() + KILL_DEADLINE.toNanos();
        Set<Long> left = processesUnder(poolDirs(pool));
        while (!left.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new PoolException("processes " + left + " in cgroup /" + pool + " outlived SIGKILL for "
                        + KILL_DEADLINE.toSeconds() + " s");
            }
            left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            pause();
            left = processesUnder(poolDirs(pool));
        }
    }

    /** Kills what runs in the pool's cgroups and removes them; what is already gone is fine. */
    final void removePool(String pool) {
        killAll(pool);
        for (Path dir : poolDirs(pool)) {
            if (Files.isDirectory(dir)) {
                // Deepest first: a host's ssid makes cgroups beneath its host's (its guests').
                for (Path group : descendants(dir)) {
                    removeDir(group, () -> killAll(pool));
                }
                removeDir(dir, () -> killAll(pool));
            }
        }
    }

    /** Pids of the processes in the host's cgroup. */
    final Set<Long> processes(String pool, String host) {
        return processesUnder(hostDirs(pool, host));
    }

    static void makeDir(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new PoolException("cannot make cgroup " + dir + ": " + e.getMessage(), e);
        }
    }

    static void write(Path file, String value) {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new PoolException("cannot write '" + value + "' to " + file + ": " + e.getMessage(), e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new PoolException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Pids in these cgroups and every cgroup beneath them, however deep; cgroups that do not exist hold none. */
    private static Set<Long> processesUnder(List<Path> dirs) {
        Set<Long> pids = new HashSet<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> groups = new ArrayList<>(descendants(dir));
            groups.add(dir);
            for (Path group : groups) {
                try {
                    Files.readAllLines(group.resolve("cgroup.procs")).stream()
                            .filter(line -> !line.isBlank())
                            .forEach(line -> pids.add(Long.valueOf(line.strip())));
                } catch (NoSuchFileException e) {
                    // Removed while we looked: it holds nothing.
                } catch (IOException e) {
                    throw new PoolException("cannot read " + group.resolve("cgroup.procs") + ": " + e.getMessage(), e);
                }
            }
        }
        return pids;
    }

    /** Every cgroup beneath {@code dir}, each after those beneath it. */
    private static List<Path> descendants(Path dir) {
        List<Path> all = new ArrayList<>();
        for (Path child : children(dir)) {
            all.addAll(descendants(child));
            all.add(child);
        }
        return all;
    }

    private static List<Path> children(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory).toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new PoolException("cannot list cgroup " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * rmdir, retried while the kernel still counts processes that have just died; {@code sweep}
     * before each retry kills any that joined after the first sweep (one that was starting as
     * down began).
     */
    private static void removeDir(Path dir, Runnable sweep) {
        long deadline = System.nanoTime() + KILL_DEADLINE.toNanos();
        while (true) {
            try {
                Files.deleteIfExists(dir);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new PoolException("cannot remove cgroup " + dir + ": " + e.getMessage(), e);
                }
                sweep.run();
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PoolException("interrupted while emptying cgroups", e);
        }
    }
}
