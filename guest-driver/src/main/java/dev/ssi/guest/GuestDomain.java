package dev.ssi.guest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A guest domain running on this hypervisor host: one QEMU process, driven over its QMP socket.
 * {@link #close()} lets go of the socket and leaves the guest running; {@link #stop()} ends it;
 * {@link #migrate} moves it, live, to a QEMU waiting on another host.
 */
public final class GuestDomain implements AutoCloseable {
    /** Let a migration use the link's full speed (QEMU's own default is 32 MiB/s). */
    private static final long MAX_BANDWIDTH_BYTES_PER_SECOND = 100_000_000_000L;
    /** The guest's pause at the switch-over QEMU aims for (QEMU's own default). */
    private static final int DOWNTIME_LIMIT_MS = 300;
    private static final Set<String> MIGRATION_ENDS = Set.of("completed", "failed", "cancelled");
    private static final Duration QUIT_DEADLINE = Duration.ofSeconds(10);
    private static final Duration RESUME_DEADLINE = Duration.ofSeconds(5);
    private static final long POLL_MILLIS = 20;

    private final GuestFiles files;
    private final long pid;
    private final QmpClient qmp;
    private final GuestCgroup cgroup;
    private GuestRecord record;

    GuestDomain(GuestFiles files, GuestRecord record, long pid, QmpClient qmp, GuestCgroup cgroup) {
        this.files = files;
        this.record = record;
        this.pid = pid;
        this.qmp = qmp;
        this.cgroup = cgroup;
    }

    public String name() {
        return record.spec().name();
    }

    public GuestSpec spec() {
        return record.spec();
    }

    public GuestCpu cpu() {
        return record.cpu();
    }

    /** QEMU's process id. */
    public long pid() {
        return pid;
    }

    /** The cgroup its QEMU runs in, relative to the cpu hierarchy's root. */
    public String cgroup() {
        return cgroup.path();
    }

    /** Everything the guest has written to its first serial port (ttyS0) on this host. */
    public Path serialLog() {
        return files.serialLog();
    }

    /** QEMU's run state: running, paused, inmigrate, postmigrate, ... */
    public String state() {
        return qmp.execute("query-status").path("status").asText();
    }

    /** Applies new CPU terms to the running guest: its cgroup's weight and quota, and its nice level. */
    public void setCpu(GuestCpu cpu) {
        cgroup.apply(cpu);
        Renice.process(pid, cpu.nice());
        record = record.withCpu(cpu);
        record.write(files.record());
    }

    /**
     * Live-migrates the guest to the QEMU listening at {@code to} (started there by
     * {@link Hypervisor#receive}): pre-copy of its RAM while it runs, then a short stop for the
     * rest and the device state. With QEMU's return path, "completed" means the destination has
     * loaded all of it and runs the guest; this QEMU then quits. If the migration fails or does
     * not complete within {@code timeout}, the guest goes on running here and the error says
     * QEMU's reason.
     */
    public MigrationReport migrate(InetSocketAddress to, Duration timeout) {
        boolean wasRunning = state().equals("running");
        setMigrationCapabilities();
        qmp.execute("migrate-set-parameters",
                Map.of("max-bandwidth", MAX_BANDWIDTH_BYTES_PER_SECOND, "downtime-limit", DOWNTIME_LIMIT_MS));
        qmp.execute("migrate", Map.of("uri", uri(to)));
        Optional<JsonNode> ended = awaitMigrationEnd(timeout);
        String failure;
        if (ended.isEmpty()) {
            qmp.execute("migrate_cancel");
            awaitMigrationEnd(QUIT_DEADLINE);
            failure = "it did not complete within " + timeout.toSeconds() + " s and was cancelled";
        } else if (ended.get().path("status").asText().equals("completed")) {
            MigrationReport report = MigrationReport.of(ended.get());
            end();
            return report;
        } else {
            failure = ended.get().path("error-desc").asText(ended.get().path("status").asText());
        }
        keepRunningHere(wasRunning);
        throw new GuestException("live migration of guest '" + name() + "' to " + to.getHostString() + ":" + to.getPort()
                + " failed: " + failure + "; the guest goes on running here");
    }

    /** Ends the guest: QEMU quits (or is killed if it will not), and its cgroup and record go. */
    public void stop() {
        end();
    }

    @Override
    public void close() {
        qmp.close();
    }

    void resume() {
        qmp.execute("cont");
    }

    void listenForMigration(InetSocketAddress listen) {
        setMigrationCapabilities();
        qmp.execute("migrate-incoming", Map.of("uri", uri(listen)));
    }

    /** Kills QEMU at once and removes what the guest had here; for a start that went wrong. */
    void kill(Exception cause) {
        qmp.close();
        ProcessHandle.of(pid).ifPresent(process -> {
            process.destroyForcibly();
            process.onExit().join();
        });
        forget(files, cgroup, cause);
    }

    /**
     * Removes a guest's cgroup and record once its QEMU is gone; the serial and QEMU logs stay.
     * A failure here is added to {@code cause} if there is one, else thrown.
     */
    static void forget(GuestFiles files, GuestCgroup cgroup, Exception cause) {
        try {
            cgroup.remove();
            for (Path file : List.of(files.record(), files.qmpSocket(), files.pidFile())) {
                Files.deleteIfExists(file);
            }
        } catch (IOException | GuestException e) {
            if (cause == null) {
                throw e instanceof GuestException g ? g : new GuestException("cannot clean up " + files.dir() + ": "
                        + e.getMessage(), e);
            }
            cause.addSuppressed(e);
        }
    }

    private void end() {
        try {
            qmp.execute("quit");
        } catch (GuestException e) {
            // QEMU may close the socket before its answer to quit is read: it quits either way.
        }
        qmp.close();
        ProcessHandle.of(pid).ifPresent(process -> {
            if (process.onExit().completeOnTimeout(null, QUIT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS).join() == null) {
                process.destroyForcibly();
                process.onExit().join();
            }
        });
        forget(files, cgroup, null);
    }

    private void setMigrationCapabilities() {
        qmp.execute("migrate-set-capabilities", Map.of("capabilities", List.of(
                Map.of("capability", "events", "state", true),
                Map.of("capability", "return-path", "state", true))));
    }

    /** query-migrate once the migration has ended, or empty at the deadline. */
    private Optional<JsonNode> awaitMigrationEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode progress = qmp.execute("query-migrate");
            if (MIGRATION_ENDS.contains(progress.path("status").asText())) {
                return Optional.of(progress);
            }
            if (System.nanoTime() > deadline) {
                return Optional.empty();
            }
            pause();
        }
    }

    /** After a failed migration QEMU resumes the guest by itself; this makes sure it did. */
    private void keepRunningHere(boolean wasRunning) {
        long deadline = System.nanoTime() + RESUME_DEADLINE.toNanos();
        while (wasRunning && !state().equals("running")) {
            if (System.nanoTime() > deadline) {
                resume();
                return;
            }
            pause();
        }
    }

    private static String uri(InetSocketAddress address) {
        String host = address.getHostString();
        return "tcp:" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestException("interrupted while waiting for QEMU", e);
        }
    }
}
