package dev.ssi.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** cgroup v2: {@code cpu.max} for the quota, {@code cpu.stat} for the usage, {@code cgroup.kill} to empty it. */
final class CgroupsV2 extends Cgroups {
    private final Path root;

    CgroupsV2(Path root) {
        this.root = root;
    }

    static boolean hasCpuController(Path mountPoint) {
        Path controllers = mountPoint.resolve("cgroup.controllers");
        return Files.isReadable(controllers) && controllersIn(controllers).contains("cpu");
    }

    @Override
    void createPool(String pool) {
        // A controller reaches a cgroup only if its parent enables it for its children.
        String enable = controllersIn(root.resolve("cgroup.controllers")).contains("memory") ? "+cpu +memory" : "+cpu";
        write(root.resolve("cgroup.subtree_control"), enable);
        makeDir(root.resolve(pool));
        write(root.resolve(pool).resolve("cgroup.subtree_control"), enable);
    }

    @Override
    void setQuota(String pool, String host, double cpus) {
        write(root.resolve(pool).resolve(host).resolve("cpu.max"), Math.round(cpus * PERIOD_MICROS) + " " + PERIOD_MICROS);
    }

    @Override
    void favour(String pool) {
        write(root.resolve(pool).resolve("cpu.weight"), "10000");
    }

    @Override
    List<Path> poolDirs(String pool) {
        return List.of(root.resolve(pool));
    }

    @Override
    Duration cpuUsage(String pool, String host) {
        return read(root.resolve(pool).resolve(host).resolve("cpu.stat")).lines()
                .filter(line -> line.startsWith("usage_usec "))
                .map(line -> Duration.ofNanos(1000 * Long.parseLong(line.substring("usage_usec ".length()).strip())))
                .findFirst()
                .orElseThrow(() -> new PoolException("no usage_usec in " + root.resolve(pool).resolve(host) + "/cpu.stat"));
    }

    /** cgroup.kill (Linux 5.14+) kills the whole subtree at once, forks in flight included. */
    @Override
    void killAll(String pool) {
        Path kill = root.resolve(pool).resolve("cgroup.kill");
        if (Files.exists(kill)) {
            write(kill, "1");
        }
        super.killAll(pool);
    }

    private static List<String> controllersIn(Path file) {
        return Arrays.asList(read(file).strip().split("\\s+"));
    }
}
