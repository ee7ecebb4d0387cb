package dev.ssi.guest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Live migration of the test guest between two hypervisor hosts (network namespaces joined by a
 * veth), raw and shaped to 1 Gbit/s, with 128 and 512 MiB of guest RAM of which half is filled
 * with random bytes; next to iperf3 sending the same number of bytes on the same link in the same
 * run. Each case migrates a -> b -> a ... RUNS times and reports the medians (each figure's own),
 * with the longest gap the guest's own counter (a number every 100 ms) showed across the
 * switch-over. Run with guest-image/bench.sh [RUNS].
 */
public final class GuestMigrationBench {
    private static final Path TEST_GUEST = Path.of(System.getProperty("ssi.testGuest", "guest-image/target/test-guest"));
    private static final GuestCpu PLAIN = new GuestCpu(0, 100, 0);
    private static final ObjectMapper JSON = new ObjectMapper();

    private GuestMigrationBench() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path dir = Files.createTempDirectory("ssi-guest-bench-");
        System.out.println("| guest RAM | filled | link | total ms | downtime ms (QEMU) | counter's longest gap ms | sent MB "
                + "| migration MB/s | iperf3 ms, same bytes | iperf3 MB/s |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        try {
            for (String link : List.of("raw", "1gbit")) {
                for (int memory : List.of(128, 512)) {
                    System.out.println(benchCase(dir.resolve(link + "-" + memory), link, memory, runs));
                }
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static String benchCase(Path dir, String link, int memoryMib, int runs) throws Exception {
        int fillMib = memoryMib / 2;
        try (HypervisorHosts hosts = new HypervisorHosts(dir)) {
            if (!link.equals("raw")) {
                hosts.shape(link);
            }
            GuestSpec spec = new GuestSpec("bench", TEST_GUEST.resolve("vmlinuz"), TEST_GUEST.resolve("initrd.img"),
                    "console=ttyS0 loglevel=1 ssi.fill=" + fillMib, List.of(), memoryMib, 1, GuestNic.NONE, Accelerator.TCG);
            GuestDomain guest = hosts.a.start(spec, PLAIN);
            awaitCounting(guest.serialLog());
            List<Path> logs = new ArrayList<>();
            List<MigrationReport> reports = new ArrayList<>();
            List<Double> iperfSeconds = new ArrayList<>();
            List<Duration> gaps = new ArrayList<>();
            Hypervisor[] sides = {hosts.a, hosts.b};
            String[] addresses = {HypervisorHosts.ADDRESS_A, HypervisorHosts.ADDRESS_B};
            for (int run = 0; run < runs; run++) {
                int to = (run + 1) % 2;
                InetSocketAddress address = new InetSocketAddress(addresses[to], 4500 + run);
                GuestDomain destination = sides[to].receive(spec, PLAIN, address);
                try (CounterGap gap = new CounterGap(guest.serialLog(), destination.serialLog())) {
                    reports.add(guest.migrate(address, Duration.ofMinutes(5)));
                    Thread.sleep(1000);
                    gaps.add(gap.longestGap());
                }
                // Kept before a later destination on that host starts its serial log afresh.
                logs.add(Files.copy(guest.serialLog(), dir.resolve("serial-" + run + ".log")));
                guest = destination;
                iperfSeconds.add(iperf(hosts, run % 2, reports.get(run).transferredBytes()));
            }
            Thread.sleep(1000);
            guest.stop();
            logs.add(guest.serialLog());
            SerialCounter.assertConsecutive(SerialCounter.numbers(logs.toArray(Path[]::new)));

            MigrationReport median = reports.stream().sorted(Comparator.comparing(MigrationReport::total)).toList()
                    .get(reports.size() / 2);
            double iperf = iperfSeconds.stream().sorted().toList().get(iperfSeconds.size() / 2);
            Duration gap = gaps.stream().sorted().toList().get(gaps.size() / 2);
            double sentMb = median.transferredBytes() / 1e6;
            return String.format(Locale.ROOT, "| %d MiB | %d MiB | %s | %d | %d | %d | %.0f | %.0f | %.0f | %.0f |", memoryMib,
                    fillMib, link, median.total().toMillis(), median.downtime().toMillis(), gap.toMillis(), sentMb,
                    sentMb / (median.total().toMillis() / 1000.0), iperf * 1000, sentMb / iperf);
        }
    }

    private static void awaitCounting(Path log) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (SerialCounter.numbers(log).size() < 5) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the bench guest did not start counting: " + SerialCounter.tail(log));
            }
            Thread.sleep(200);
        }
    }

    /** Seconds iperf3 takes to send {@code bytes} from the guest's last host to the other, over the same link. */
    private static double iperf(HypervisorHosts hosts, int from, long bytes) throws IOException, InterruptedException {
        String serverNamespace = from == 0 ? hosts.namespaceB : hosts.namespaceA;
        String serverAddress = from == 0 ? HypervisorHosts.ADDRESS_B : HypervisorHosts.ADDRESS_A;
        String clientNamespace = from == 0 ? hosts.namespaceA : hosts.namespaceB;
        Process server = new ProcessBuilder("nsenter", "--net=/run/netns/" + serverNamespace, "iperf3", "-s", "-1",
                "-B", serverAddress, "-p", "5299").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Thread.sleep(500);
            String report = HypervisorHosts.run("nsenter", "--net=/run/netns/" + clientNamespace, "iperf3", "-c", serverAddress,
                    "-p", "5299", "-n", Long.toString(bytes), "-J");
            JsonNode end = JSON.readTree(report).path("end").path("sum_sent");
            return end.path("seconds").asDouble();
        } finally {
            server.destroy();
            server.onExit().join();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
