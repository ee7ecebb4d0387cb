package dev.ssi.daemon.balance.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The cgroup this ssid runs in, as in a local pool's host: its CPU quota stands for the host's
 * cores, and the other processes in it and in the cgroups beneath it are the host owner's.
 */
final class CgroupScope implements Scope {
    private final OwnCgroup cgroup;

    CgroupScope(OwnCgroup cgroup) {
        this.cgroup = cgroup;
    }

    static CgroupScope own() {
        return new CgroupScope(OwnCgroup.of("cpu").orElseThrow(
                () -> new IllegalArgumentException("load scope 'cgroup': this process is in no cgroup with the cpu controller")));
    }

    /** The quota, or the machine's CPUs when the cgroup has none. */
    @Override
    public double cpus() {
        return CgroupLimits.cpuQuota(cgroup).orElse(Runtime.getRuntime().availableProcessors());
    }

    @Override
    public int ownerRunnable(ProcessTable table, int ssid) {
        int runnable = 0;
        for (int pid : members()) {
            if (!table.within(pid, ssid)) {
                runnable += ThreadDemand.of(pid).runnable();
            }
        }
        return runnable;
    }

    private List<Integer> members() {
        List<Integer> pids = new ArrayList<>();
        try (Stream<Path> dirs = Files.walk(cgroup.dir())) {
            for (Path procs : dirs.filter(dir -> Files.isDirectory(dir)).map(dir -> dir.resolve("cgroup.procs")).toList()) {
                for (String line : readLines(procs)) {
                    if (!line.isBlank()) {
                        pids.add(Integer.valueOf(line.trim()));
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list cgroup " + cgroup.dir(), e);
        }
        return pids;
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of(); // The cgroup was removed while we looked.
        }
    }
}
