package dev.ssi.checkpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The quick-start demo until ssid exists: a CPU-heavy job runs under ssi-init, is frozen to
 * images on tmpfs by our CRIU client (and so disappears), then is brought back on new pipes;
 * its output carries on from where it was and its result is checked against a direct run.
 */
public final class FreezeAndResumeDemo {
    private static final String PRIMES = """
            import sys
            limit, found, total = int(sys.argv[1]), 0, 0
            for n in range(2, limit):
                if all(n % d for d in range(2, int(n ** 0.5) + 1)):
                    found += 1
                    total += n
                    if found % 2000 == 0:
                        print(f"  {found} primes so far, the latest {n}", flush=True)
            print(f"result: {found} primes below {limit}, sum {total}", flush=True)
            """;
    private static final String LIMIT = "260000";

    public static void main(String[] args) throws Exception {
        Criu criu = Criu.locate();
        say("CRIU %s; this node: %s", criu.version(), criu.fingerprint());
        say("starting a CPU-heavy job (counting primes) under ssi-init, in its own PID namespace");
        Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "ssi-demo-");
        try (ShimJob job = ShimJob.start("python3", "-u", "-c", PRIMES, LIMIT)) {
            Thread echo = echoOutput(job);
            job.awaitLines(4);
            long t0 = System.nanoTime();
            criu.dump(DumpSpec.of(job.root(), dir.resolve("img"), dir.resolve("work")));
            long frozen = System.nanoTime();
            job.reapLauncher();
            say("frozen in %.0f ms: %d KiB of images; the job's pid %d is gone: %s", (frozen - t0) / 1e6,
                    sizeKiB(dir.resolve("img")), job.root(), ProcessHandle.of(job.root()).isEmpty());
            Thread.sleep(1000);
            long r0 = System.nanoTime();
            RestoredTree tree = job.restoreFrom(criu, RestoreSpec.of(dir.resolve("img"), dir.resolve("work")));
            say("restored in %.0f ms as pid %d, on new pipes; its output goes on:", (System.nanoTime() - r0) / 1e6,
                    tree.pid());
            var status = tree.waitFor();
            echo.join();
            String restoredResult = lastLine(job.awaitOutput());
            say("the job %s", status);
            say("running the same job once more without interruption, to compare ...");
            Process direct = new ProcessBuilder("python3", "-c", PRIMES, LIMIT).start();
            String directResult = lastLine(new String(direct.getInputStream().readAllBytes()));
            boolean same = restoredResult.equals(directResult) && status.shellCode() == 0;
            say("uninterrupted run: %s", directResult);
            say(same ? "same result: the job never noticed it was frozen" : "RESULTS DIFFER");
            System.exit(same ? 0 : 1);
        } finally {
            ScratchDir.deleteTree(dir);
        }
    }

    private static Thread echoOutput(ShimJob job) {
        Thread t = new Thread(() -> {
            int shown = 0;
            while (true) {
                String out = job.output();
                String[] lines = out.split("\n", -1);
                for (; shown < lines.length - 1; shown++) {
                    System.out.println("[job] " + lines[shown]);
                    if (lines[shown].startsWith("result:")) {
                        return;
                    }
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "echo");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }

    private static long sizeKiB(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum() / 1024;
        }
    }

    private static void say(String format, Object... args) {
        System.out.println("[ssi] " + String.format(format, args));
    }
}
