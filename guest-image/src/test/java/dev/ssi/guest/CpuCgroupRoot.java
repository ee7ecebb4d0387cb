package dev.ssi.guest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where this machine mounts the cpu controller's hierarchy (cgroup2 or v1), read from mountinfo. */
final class CpuCgroupRoot {
    private CpuCgroupRoot() {}

    static Path cpu() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] before = line.split(" - ", 2)[0].split(" ");
                String[] after = line.split(" - ", 2)[1].split(" ");
                Path mountPoint = Path.of(before[4]);
                boolean v2Cpu = after[0].equals("cgroup2")
                        && Files.readString(mountPoint.resolve("cgroup.controllers")).contains("cpu");
                boolean v1Cpu = after[0].equals("cgroup") && List.of(after[2].split(",")).contains("cpu");
                if (v1Cpu || v2Cpu) {
                    return mountPoint;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no cgroup hierarchy with the cpu controller");
    }

    static boolean unified() {
        return Files.exists(cpu().resolve("cgroup.controllers"));
    }
}
