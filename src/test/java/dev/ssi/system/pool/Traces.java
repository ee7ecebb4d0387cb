package dev.ssi.system.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ssi.pool.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * What of local pools exists on this machine, seen with the system's own tools and file
 * system rather than through the pool's code: namespaces, links, cgroups, claims.
 */
final class Traces {
    private Traces() {}

    static void assumeRoot() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "local pools need root");
    }

    /** Every trace of the pool with this id (a pool's names all contain its id). */
    static List<String> of(String id) {
        return all().stream()
                .filter(trace -> trace.matches(".*\\bssi-?" + id + "(-|h|br|$).*") || trace.endsWith("/pools/" + id))
                .toList();
    }

    /** Every trace of any local pool. */
    static List<String> all() {
        List<String> traces = new ArrayList<>();
        for (String line : lines("ip", "netns", "list")) {
            String name = line.split(" ")[0];
            if (name.matches("ssi-p[0-9]+-.*")) {
                traces.add("namespace " + name);
            }
        }
        for (String line : lines("ip", "-o", "link", "show")) {
            String name = line.split(": ")[1].split("@")[0];
            if (name.matches("ssip[0-9]+.*")) {
                traces.add("link " + name);
            }
        }
        for (Path hierarchy : cgroupHierarchies()) {
            for (Path dir : list(hierarchy)) {
                if (dir.getFileName().toString().matches("ssi-p[0-9]+")) {
                    traces.add("cgroup " + dir);
                }
            }
        }
        for (Path claim : list(Path.of("/run/ssi/pools"))) {
            traces.add("claim " + claim);
        }
        return traces;
    }

    static void assertNoTraceOf(String id) {
        assertEquals(List.of(), of(id), "left behind by pool " + id);
    }

    /** Output lines of a command that must succeed. */
    static List<String> lines(String... command) {
        return Arrays.stream(Commands.run(command).split("\n")).filter(line -> !line.isBlank()).toList();
    }

    private static List<Path> cgroupHierarchies() {
        List<Path> hierarchies = new ArrayList<>(List.of(Path.of("/sys/fs/cgroup")));
        hierarchies.addAll(list(Path.of("/sys/fs/cgroup")).stream().filter(Files::isDirectory).toList());
        return hierarchies;
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dir, e);
        }
    }
}
