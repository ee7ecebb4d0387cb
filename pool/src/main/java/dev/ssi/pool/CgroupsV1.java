package dev.ssi.pool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * cgroup v1: the quota lives in the {@code cpu} hierarchy, the usage in {@code cpuacct} (often
 * the same mount). The memory hierarchy is left alone: there, moving a process out of its
 * cgroup would take it out of whatever limit the machine's owner set on it.
 */
final class CgroupsV1 extends Cgroups {
    private final Path cpu;
    private final Path cpuacct;

    CgroupsV1(Path cpu, Path cpuacct) {
        this.cpu = cpu;
        this.cpuacct = cpuacct;
    }

    @Override
    void createPool(String pool) {
        poolDirs(pool).forEach(Cgroups::makeDir);
    }

    @Override
    void setQuota(String pool, String host, double cpus) {
        Path quota = cpu.resolve(pool).resolve(host);
        write(quota.resolve("cpu.cfs_period_us"), Long.toString(PERIOD_MICROS));
        write(quota.resolve("cpu.cfs_quota_us"), Long.toString(Math.round(cpus * PERIOD_MICROS)));
    }

    @Override
    void favour(String pool) {
        write(cpu.resolve(pool).resolve("cpu.shares"), "262144");
    }

    @Override
    List<Path> poolDirs(String pool) {
        return cpu.equals(cpuacct) ? List.of(cpu.resolve(pool)) : List.of(cpu.resolve(pool), cpuacct.resolve(pool));
    }

    @Override
    Duration cpuUsage(String pool, String host) {
        return Duration.ofNanos(Long.parseLong(read(cpuacct.resolve(pool).resolve(host).resolve("cpuacct.usage")).strip()));
    }
}
