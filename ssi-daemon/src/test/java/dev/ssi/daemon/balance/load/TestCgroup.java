package dev.ssi.daemon.balance.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A cpu cgroup of the test's own, beside the test's (v1 or v2, as the machine has); closing kills what is in it and removes it. */
final class TestCgroup implements AutoCloseable {
    private final OwnCgroup cgroup;

    private TestCgroup(OwnCgroup cgroup) {
        this.cgroup = cgroup;
    }

    static TestCgroup create(String name, double cpus) throws IOException {
        OwnCgroup mine = OwnCgroup.of("cpu").orElseThrow();
        Path dir = mine.mountPoint().resolve(name + "-" + ProcessHandle.current().pid());
        long period = 100_000;
        long quota = Math.round(cpus * period);
        if (mine.unified()) {
            Files.writeString(mine.mountPoint().resolve("cgroup.subtree_control"), "+cpu");
        }
        Files.createDirectories(dir);
        if (mine.unified()) {
            Files.writeString(dir.resolve("cpu.max"), quota + " " + period);
        } else {
            Files.writeString(dir.resolve("cpu.cfs_period_us"), Long.toString(period));
            Files.writeString(dir.resolve("cpu.cfs_quota_us"), Long.toString(quota));
        }
        return new TestCgroup(new OwnCgroup(dir, mine.mountPoint(), mine.unified()));
    }

    OwnCgroup cgroup() {
        return cgroup;
    }

    /** The command line that runs {@code command} inside this cgroup. */
    List<String> command(String command) {
        return List.of("sh", "-c", "echo $$ > " + cgroup.dir().resolve("cgroup.procs") + " && exec " + command);
    }

    @Override
    public void close() throws IOException {
        Path procs = cgroup.dir().resolve("cgroup.procs");
        for (int attempt = 0; attempt < 200 && Files.exists(cgroup.dir()); attempt++) {
            for (String pid : Files.readAllLines(procs)) {
                if (!pid.isBlank()) {
                    ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            try {
                Files.delete(cgroup.dir());
            } catch (IOException busy) {
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
