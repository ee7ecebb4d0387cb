package dev.ssi.pool;

import dev.ssi.daemon.Ssid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a local pool starts an ssid: this JVM's own java and class path, so that the daemons run
 * the very build that made the pool, with a heap small enough for many daemons on one machine;
 * in a session of its own, so that no terminal's signals reach it; at nice -15.
 */
final class SsidCommandLine {
    private static final List<String> JVM_OPTIONS =
            List.of("-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k");
    /** The journal's Chronicle Queue on JDK 17 (as in the root pom's chronicle.jvm.flags); never its analytics. */
    private static final List<String> CHRONICLE_OPTIONS = List.of(
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "-Dchronicle.analytics.disable=true");

    private SsidCommandLine() {}

    static List<String> of(Path config) {
        String root = System.getProperty("ssi.root");
        if (root == null) {
            throw new PoolException("the system property ssi.root (the project's directory, where .criu/criu and "
                    + "native/target/bin are) is not set; run ssi through scripts/ssi.sh");
        }
        // Above its jobs (which start at nice 0 whatever ssid's nice), so that a node its jobs
        // saturate still gossips and migrates: with 8 jobs on a 0.4-core host, CRIU at nice 0 got
        // a ninth of the quota and a move froze its job for 3-7 s; at -15 (weight 29154 against
        // 1024 a job) it gets four fifths of it.
        List<String> line = new ArrayList<>(List.of("setsid", "nice", "-n", "-15",
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        line.addAll(JVM_OPTIONS);
        line.addAll(CHRONICLE_OPTIONS);
        line.addAll(List.of("-Dssi.root=" + root, "-cp", System.getProperty("java.class.path"), Ssid.class.getName(),
                config.toString()));
        return line;
    }

    /**
     * Whether this process is the ssid started with this configuration (and not a stranger that
     * got its pid). Read from /proc, as ProcessHandle.Info cuts a long command line short.
     */
    static boolean runs(ProcessHandle process, Path config) {
        try {
            String commandLine = new String(Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline")),
                    StandardCharsets.UTF_8);
            return commandLine.endsWith("\0" + config + "\0");
        } catch (IOException e) {
            return false; // It has gone meanwhile.
        }
    }
}
