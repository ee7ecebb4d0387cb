package dev.ssi.daemon.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The files a CPU weight, quota and memory limit are written to, on cgroup v2 and v1, in the order written. */
class CgroupFilesTest {
    @Test
    void cgroupV2() {
        assertEquals(Map.of("cpu.weight", "1", "cpu.max", "20000 100000"), CgroupFiles.cpu(true, 1, OptionalDouble.of(0.2)));
        assertEquals(Map.of("cpu.weight", "100", "cpu.max", "max 100000"), CgroupFiles.cpu(true, 100, OptionalDouble.empty()));
        assertEquals(Map.of("memory.max", "4294967296"), CgroupFiles.memory(true, OptionalLong.of(4L << 30)));
        assertEquals(Map.of("memory.max", "max"), CgroupFiles.memory(true, OptionalLong.empty()));
    }

    @Test
    void cgroupV1() {
        assertEquals(Map.of("cpu.shares", "10", "cpu.cfs_period_us", "100000", "cpu.cfs_quota_us", "50000"),
                CgroupFiles.cpu(false, 1, OptionalDouble.of(0.5)));
        assertEquals("1024", CgroupFiles.cpu(false, 100, OptionalDouble.empty()).get("cpu.shares"));
        assertEquals("-1", CgroupFiles.cpu(false, 100, OptionalDouble.empty()).get("cpu.cfs_quota_us"));
        assertEquals(Map.of("memory.limit_in_bytes", "536870912"), CgroupFiles.memory(false, OptionalLong.of(512L << 20)));
        assertEquals(Map.of("memory.limit_in_bytes", "-1"), CgroupFiles.memory(false, OptionalLong.empty()));
    }

    @Test
    void thePeriodIsWrittenBeforeTheQuotaAndATinyQuotaIsTheKernelsLeast() {
        assertEquals(java.util.List.of("cpu.shares", "cpu.cfs_period_us", "cpu.cfs_quota_us"),
                java.util.List.copyOf(CgroupFiles.cpu(false, 1, OptionalDouble.of(0.2)).keySet()));
        assertEquals("1000 100000", CgroupFiles.cpu(true, 1, OptionalDouble.of(0.001)).get("cpu.max"));
    }
}
