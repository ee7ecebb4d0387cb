package dev.ssi.guest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Two hypervisor hosts on this machine: network namespaces {@code ssi-gt-TAG-a} and {@code -b}
 * joined by one veth pair (10.98.0.1 and 10.98.0.2, addresses that exist only inside them), each
 * with its own guests directory and cgroup parent. {@link #close()} kills every process in the
 * namespaces by pid and removes the namespaces and cgroups, whatever state a test left.
 */
final class HypervisorHosts implements AutoCloseable {
    static final String ADDRESS_A = "10.98.0.1";
    static final String ADDRESS_B = "10.98.0.2";

    final String tag = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);
    final String namespaceA = "ssi-gt-" + tag + "-a";
    final String namespaceB = "ssi-gt-" + tag + "-b";
    final String vethA = "vgt" + tag + "a";
    final String vethB = "vgt" + tag + "b";
    final String cgroupParent = "ssi-gt-" + tag;
    final Hypervisor a;
    final Hypervisor b;

    HypervisorHosts(Path dir) {
        a = Hypervisor.at(dir.resolve("a")).inNamespace(namespaceA).withCgroupParent(cgroupParent + "/a");
        b = Hypervisor.at(dir.resolve("b")).inNamespace(namespaceB).withCgroupParent(cgroupParent + "/b");
        try {
            run("ip", "netns", "add", namespaceA);
            run("ip", "netns", "add", namespaceB);
            run("ip", "link", "add", vethA, "netns", namespaceA, "type", "veth", "peer", "name", vethB, "netns", namespaceB);
            configure(namespaceA, vethA, ADDRESS_A);
            configure(namespaceB, vethB, ADDRESS_B);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Shapes both ends of the link with a token bucket, e.g. {@code 1gbit}. */
    void shape(String rate) {
        for (String[] end : List.of(new String[] {namespaceA, vethA}, new String[] {namespaceB, vethB})) {
            run("nsenter", "--net=/run/netns/" + end[0], "tc", "qdisc", "replace", "dev", end[1], "root", "tbf",
                    "rate", rate, "burst", "512kb", "latency", "20ms");
        }
    }

    @Override
    public void close() {
        List<String> problems = new ArrayList<>();
        for (String namespace : List.of(namespaceA, namespaceB)) {
            if (Files.exists(Path.of("/run/netns", namespace))) {
                for (String pid : run("ip", "netns", "pids", namespace).split("\\s+")) {
                    if (!pid.isEmpty()) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(p -> {
                            p.destroyForcibly();
                            p.onExit().join();
                        });
                    }
                }
                try {
                    run("ip", "netns", "del", namespace);
                } catch (RuntimeException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        Path parent = CpuCgroupRoot.cpu().resolve(cgroupParent);
        if (Files.isDirectory(parent)) {
            try (Stream<Path> tree = Files.walk(parent)) {
                for (Path dir : tree.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(dir);
                }
            } catch (IOException e) {
                problems.add("cannot remove cgroup " + parent + ": " + e);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("cleaning up hypervisor hosts " + tag + ": " + problems);
        }
    }

    private static void configure(String namespace, String device, String address) {
        run("nsenter", "--net=/run/netns/" + namespace, "ip", "addr", "add", address + "/24", "dev", device);
        run("nsenter", "--net=/run/netns/" + namespace, "ip", "link", "set", device, "up");
        run("nsenter", "--net=/run/netns/" + namespace, "ip", "link", "set", "lo", "up");
    }

    static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("`" + String.join(" ", command) + "` failed: " + output.strip());
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + Arrays.toString(command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
