package dev.ssi.daemon.balance.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Where this process's cgroup is for one controller ({@code cpu}, {@code memory}): on cgroup v2
 * where that controller is on the unified hierarchy, else in its v1 hierarchy. Read from
 * {@code /proc/self/cgroup} and {@code /proc/self/mountinfo}.
 *
 * @param dir        the cgroup's directory
 * @param mountPoint the hierarchy's root directory: limits are looked for from dir up to here
 * @param unified    cgroup v2 (file names differ: {@code cpu.max} instead of {@code cpu.cfs_quota_us})
 */
public record OwnCgroup(Path dir, Path mountPoint, boolean unified) {

    /** This process's cgroup for {@code controller}, if any hierarchy has it. */
    public static Optional<OwnCgroup> of(String controller) {
        return of(controller, read(Path.of("/proc/self/cgroup")), read(Path.of("/proc/self/mountinfo")));
    }

    static Optional<OwnCgroup> of(String controller, List<String> membership, List<String> mounts) {
        for (String mount : mounts) {
            String[] halves = mount.split(" - ", 2);
            String[] before = halves[0].split(" ");
            String[] after = halves[1].split(" ");
            Path mountPoint = Path.of(unescape(before[4]));
            String mountRoot = unescape(before[3]);
            if (after[0].equals("cgroup2") && controllers(mountPoint).contains(controller)) {
                return member(membership, "", mountRoot).map(path -> new OwnCgroup(under(mountPoint, path), mountPoint, true));
            }
            if (after[0].equals("cgroup") && Arrays.asList(after[2].split(",")).contains(controller)) {
                return member(membership, controller, mountRoot)
                        .map(path -> new OwnCgroup(under(mountPoint, path), mountPoint, false));
            }
        }
        return Optional.empty();
    }

    /** The cgroup's own directory and each above it up to the hierarchy's root, nearest first. */
    public List<Path> selfAndAncestors() {
        List<Path> dirs = new java.util.ArrayList<>();
        for (Path at = dir; at != null && at.startsWith(mountPoint); at = at.getParent()) {
            dirs.add(at);
        }
        return dirs;
    }

    /** The path in a line of /proc/self/cgroup ("N:cpu,cpuacct:/a/b" on v1, "0::/a/b" on v2), relative to the mount's root. */
    private static Optional<String> member(List<String> membership, String controller, String mountRoot) {
        for (String line : membership) {
            String[] fields = line.split(":", 3);
            boolean matches = controller.isEmpty()
                    ? fields[0].equals("0") && fields[1].isEmpty()
                    : Arrays.asList(fields[1].split(",")).contains(controller);
            if (matches) {
                String path = fields[2];
                return Optional.of(!mountRoot.equals("/") && path.startsWith(mountRoot)
                        ? path.substring(mountRoot.length()) : path);
            }
        }
        return Optional.empty();
    }

    private static Path under(Path mountPoint, String path) {
        String relative = path.startsWith("/") ? path.substring(1) : path;
        return relative.isEmpty() ? mountPoint : mountPoint.resolve(relative);
    }

    private static List<String> controllers(Path mountPoint) {
        try {
            return Arrays.asList(Files.readString(mountPoint.resolve("cgroup.controllers")).trim().split("\\s+"));
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String unescape(String field) {
        return field.replace("\\040", " ");
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
