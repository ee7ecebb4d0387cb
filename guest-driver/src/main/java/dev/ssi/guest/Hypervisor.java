package dev.ssi.guest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One hypervisor host's guest domains, run by QEMU and driven over QMP: each guest has a
 * directory under {@code guestsDir} (its record, QMP socket, pid file, serial and QEMU logs) and a
 * cgroup under {@code cgroupParent}. QEMU runs in a session of its own, so it outlives the
 * command that started it, and, for a host of a local pool, in that host's network namespace.
 */
public final class Hypervisor {
    public static final Path DEFAULT_GUESTS_DIR = Path.of("/var/lib/ssi/guests");
    public static final String DEFAULT_QEMU = "qemu-system-x86_64";
    public static final String DEFAULT_CGROUP_PARENT = "ssi-guests";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final int LOG_TAIL_CHARS = 2000;

    private final Path guestsDir;
    private final String qemu;
    private final Optional<String> namespace;
    private final String cgroupParent;

    private Hypervisor(Path guestsDir, String qemu, Optional<String> namespace, String cgroupParent) {
        this.guestsDir = guestsDir.toAbsolutePath().normalize();
        this.qemu = qemu;
        this.namespace = namespace;
        this.cgroupParent = cgroupParent;
    }

    /** The guests kept in this directory, run by {@code qemu-system-x86_64} from PATH, cgroups under ssi-guests. */
    public static Hypervisor at(Path guestsDir) {
        return new Hypervisor(guestsDir, DEFAULT_QEMU, Optional.empty(), DEFAULT_CGROUP_PARENT);
    }

    /** The QEMU binary: a path, or a name looked up on PATH. */
    public Hypervisor withQemu(String binary) {
        return new Hypervisor(guestsDir, binary, namespace, cgroupParent);
    }

    /** Runs QEMU in this network namespace ({@code /run/netns/NAME}): a host of a local pool. */
    public Hypervisor inNamespace(String name) {
        return new Hypervisor(guestsDir, qemu, Optional.of(name), cgroupParent);
    }

    public Hypervisor withCgroupParent(String parent) {
        return new Hypervisor(guestsDir, qemu, namespace, parent);
    }

    public Path guestsDir() {
        return guestsDir;
    }

    /** Boots a guest: QEMU starts paused, joins the guest's cgroup and nice level, then runs. */
    public GuestDomain start(GuestSpec spec, GuestCpu cpu) {
        GuestDomain guest = launch(spec, cpu, false);
        try {
            guest.resume();
            return guest;
        } catch (RuntimeException e) {
            guest.kill(e);
            throw e;
        }
    }

    /**
     * Starts the destination of a live migration: a QEMU of the same spec listening on
     * {@code listen}, which runs the guest once the migration completes.
     */
    public GuestDomain receive(GuestSpec spec, GuestCpu cpu, InetSocketAddress listen) {
        GuestDomain guest = launch(spec, cpu, true);
        try {
            guest.listenForMigration(listen);
            return guest;
        } catch (RuntimeException e) {
            guest.kill(e);
            throw e;
        }
    }

    /** The guest of this name that runs here. */
    public GuestDomain open(String name) {
        GuestSpec.checkName(name);
        GuestFiles files = new GuestFiles(guestsDir.resolve(name));
        if (!Files.exists(files.record())) {
            throw new GuestException("no guest '" + name + "' runs here (" + guestsDir + ")");
        }
        GuestRecord record = GuestRecord.read(files.record());
        long pid = livePid(files).orElseThrow(() -> new GuestGoneException("guest '" + name + "' is recorded in "
                + files.dir() + " but its QEMU has ended; see " + files.qemuLog()));
        return new GuestDomain(files, record, pid, QmpClient.connect(files.qmpSocket()), GuestCgroup.at(record.cgroup()));
    }

    /** Removes what a guest whose QEMU has ended left here: its record and cgroup (its logs stay). */
    public void forgetEnded(String name) {
        GuestSpec.checkName(name);
        GuestFiles files = new GuestFiles(guestsDir.resolve(name));
        livePid(files).ifPresent(pid -> {
            throw new GuestException("guest '" + name + "' still runs (QEMU pid " + pid + "); stop it instead");
        });
        if (Files.exists(files.record())) {
            GuestDomain.forget(files, GuestCgroup.at(GuestRecord.read(files.record()).cgroup()), null);
        }
    }

    /** The names of the guests recorded here, sorted. */
    public List<String> guests() {
        if (!Files.isDirectory(guestsDir)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(guestsDir)) {
            return dirs.filter(dir -> Files.exists(new GuestFiles(dir).record()))
                    .map(dir -> dir.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new GuestException("cannot list " + guestsDir + ": " + e.getMessage(), e);
        }
    }

    private GuestDomain launch(GuestSpec spec, GuestCpu cpu, boolean incoming) {
        String binary = qemuBinary();
        spec.checkFiles();
        spec.accelerator().checkAvailable();
        GuestFiles files = new GuestFiles(guestsDir.resolve(spec.name()));
        GuestRecord record = new GuestRecord(spec, cpu, cgroupParent + "/" + spec.name());
        GuestCgroup cgroup = GuestCgroup.at(record.cgroup());
        claim(files);
        record.write(files.record());
        Process process = null;
        QmpClient qmp = null;
        try {
            cgroup.create(cpu);
            process = new ProcessBuilder(commandLine(binary, spec, files, incoming))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.to(files.qemuLog().toFile()))
                    .redirectErrorStream(true)
                    .start();
            qmp = awaitQmp(process, files);
            long pid = livePid(files).orElseThrow(() -> new GuestException("QEMU wrote no pid file " + files.pidFile()));
            cgroup.add(pid);
            Renice.process(pid, cpu.nice());
            return new GuestDomain(files, record, pid, qmp, cgroup);
        } catch (IOException | RuntimeException e) {
            if (qmp != null) {
                qmp.close();
            }
            if (process != null) {
                process.destroyForcibly();
                process.onExit().join();
            }
            GuestDomain.forget(files, cgroup, e);
            throw e instanceof GuestException g ? g
                    : new GuestException("cannot start QEMU for guest '" + spec.name() + "': " + e.getMessage(), e);
        }
    }

    private List<String> commandLine(String binary, GuestSpec spec, GuestFiles files, boolean incoming) {
        // setsid and nsenter (without --fork) exec what follows: the process started is QEMU itself.
        List<String> line = new ArrayList<>(List.of("setsid"));
        namespace.ifPresent(ns -> line.addAll(List.of("nsenter", "--net=/run/netns/" + ns, "--")));
        line.addAll(QemuCommandLine.of(binary, spec, files, incoming));
        return line;
    }

    /** Waits until QEMU greets on its QMP socket; if QEMU ends first, its own last words say why. */
    private QmpClient awaitQmp(Process process, GuestFiles files) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new GuestException("QEMU exited at start (status " + process.exitValue() + "): " + logTail(files));
            }
            if (Files.exists(files.qmpSocket())) {
                try {
                    return QmpClient.connect(files.qmpSocket());
                } catch (GuestException e) {
                    if (process.isAlive() && System.nanoTime() > deadline) {
                        throw e;
                    }
                }
            } else if (System.nanoTime() > deadline) {
                throw new GuestException("QEMU made no QMP socket within " + START_TIMEOUT.toSeconds() + " s: " + logTail(files));
            }
            pause();
        }
    }

    private String qemuBinary() {
        if (qemu.contains("/")) {
            if (!Files.isExecutable(Path.of(qemu))) {
                throw new GuestException("QEMU not found: " + qemu + " is not an executable file");
            }
            return qemu;
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, qemu))) {
                return Path.of(dir, qemu).toString();
            }
        }
        throw new GuestException("QEMU not found: no " + qemu + " on PATH (" + path
                + "); install Debian's qemu-system-x86 or give the binary's path");
    }

    /** Takes the guest's directory: refused while a QEMU of that name runs here; a dead one's leftovers go. */
    private static void claim(GuestFiles files) {
        livePid(files).ifPresent(pid -> {
            throw new GuestException("guest '" + files.dir().getFileName() + "' already runs here (QEMU pid " + pid + ")");
        });
        try {
            Files.createDirectories(files.dir());
            for (Path stale : List.of(files.record(), files.qmpSocket(), files.pidFile())) {
                Files.deleteIfExists(stale);
            }
        } catch (IOException e) {
            throw new GuestException("cannot make guest directory " + files.dir() + ": " + e.getMessage(), e);
        }
    }

    /** The pid in the guest's pid file, if that process is a live QEMU. */
    static Optional<Long> livePid(GuestFiles files) {
        try {
            if (!Files.exists(files.pidFile())) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(files.pidFile()).strip());
            return ProcessHandle.of(pid)
                    .filter(process -> process.info().command().map(c -> c.contains("qemu")).orElse(false))
                    .map(ProcessHandle::pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String logTail(GuestFiles files) {
        try {
            String log = Files.readString(files.qemuLog(), StandardCharsets.UTF_8).strip();
            return log.isEmpty() ? "(it said nothing)" : log.substring(Math.max(0, log.length() - LOG_TAIL_CHARS));
        } catch (IOException e) {
            return "(its log " + files.qemuLog() + " cannot be read: " + e.getMessage() + ")";
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestException("interrupted while starting QEMU", e);
        }
    }
}
