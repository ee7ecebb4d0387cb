package dev.ssi.guest;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code ssi guest start | status | migrate | stop}: whole guest domains on this hypervisor host.
 * It drives QEMU over each guest's QMP socket itself and needs no running ssid.
 */
@Command(name = "guest", mixinStandardHelpOptions = true,
        description = "Guest domains (QEMU) on this hypervisor host: start, status, live-migrate, stop.",
        subcommands = {GuestCommand.Start.class, GuestCommand.Status.class, GuestCommand.Migrate.class,
                GuestCommand.Stop.class})
public final class GuestCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: start, status, migrate or stop");
    }

    /** Where this host keeps its guests. */
    static final class Host {
        @Option(names = "--guest-dir", paramLabel = "DIR",
                description = "This host's guests directory (default: $SSI_GUEST_DIR or ${DEFAULT-VALUE}).")
        Path dir = Path.of(System.getenv().getOrDefault("SSI_GUEST_DIR", Hypervisor.DEFAULT_GUESTS_DIR.toString()));

        Hypervisor hypervisor() {
            return Hypervisor.at(dir);
        }
    }

    /** Runs a guest call, turning a failure into "ssi: reason" and exit status 1. */
    abstract static class GuestCall implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Host host;

        @Override
        public Integer call() {
            try {
                run(spec.commandLine().getOut());
                spec.commandLine().getOut().flush();
                return 0;
            } catch (GuestException e) {
                spec.commandLine().getErr().println("ssi: " + e.getMessage());
                spec.commandLine().getErr().flush();
                return 1;
            }
        }

        abstract void run(PrintWriter out);

        /** A value the driver refuses becomes a bad command line that names its option. */
        final void check(String option, Runnable check) {
            try {
                check.run();
            } catch (GuestException e) {
                throw new ParameterException(spec.commandLine(), "Invalid value for " + option + ": " + e.getMessage());
            }
        }
    }

    static final class AddressConverter implements ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            int colon = value.lastIndexOf(':');
            try {
                int port = Integer.parseInt(value.substring(colon + 1));
                if (colon < 1 || port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
                return InetSocketAddress.createUnresolved(value.substring(0, colon).replaceAll("^\\[|\\]$", ""), port);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not HOST:PORT");
            }
        }
    }

    static final class NicConverter implements ITypeConverter<GuestNic> {
        @Override
        public GuestNic convert(String value) {
            try {
                return GuestNic.parse(value);
            } catch (GuestException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class AcceleratorConverter implements ITypeConverter<Accelerator> {
        @Override
        public Accelerator convert(String value) {
            try {
                return Accelerator.parse(value);
            } catch (GuestException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    @Command(name = "start", description = "Boots guest NAME here, or with --incoming waits for it to migrate here.")
    static final class Start extends GuestCall {
        @Parameters(paramLabel = "NAME", description = "The guest's name: a-z, 0-9 and '-'.")
        String name;

        @Option(names = "--kernel", required = true, paramLabel = "FILE", description = "The kernel to boot.")
        Path kernel;

        @Option(names = "--initrd", paramLabel = "FILE", description = "Its initramfs.")
        Path initrd;

        @Option(names = "--append", paramLabel = "CMDLINE", description = "The kernel's command line (default: '${DEFAULT-VALUE}').")
        String append = "console=ttyS0";

        @Option(names = "--disk", paramLabel = "IMAGE",
                description = "A disk image (virtio; .qcow2 or raw); again for more disks, the first is /dev/vda.")
        List<Path> disks = new ArrayList<>();

        @Option(names = "--memory", paramLabel = "MIB", description = "Guest RAM in MiB (default: ${DEFAULT-VALUE}).")
        int memoryMib = 512;

        @Option(names = "--cpus", paramLabel = "N", description = "Virtual CPUs (default: ${DEFAULT-VALUE}).")
        int cpus = 1;

        @Option(names = "--nic", paramLabel = "none|user|tap:IF", converter = NicConverter.class,
                description = "Network card (default: none).")
        GuestNic nic = GuestNic.NONE;

        @Option(names = "--accel", paramLabel = "tcg|kvm", converter = AcceleratorConverter.class,
                description = "CPU accelerator (default: tcg; kvm only where the host really has it).")
        Accelerator accelerator = Accelerator.TCG;

        @Option(names = "--nice", paramLabel = "N", description = "QEMU's nice level (default: ${DEFAULT-VALUE}).")
        int nice = GuestCpu.GENTLE.nice();

        @Option(names = "--cpu-weight", paramLabel = "W", description = "CPU weight, 1..10000, 100 = an ordinary process (default: ${DEFAULT-VALUE}).")
        int weight = GuestCpu.GENTLE.weight();

        @Option(names = "--cpu-quota", paramLabel = "CPUS", description = "Hard CPU cap in CPUs, 0 = none (default: ${DEFAULT-VALUE}).")
        double quota = GuestCpu.GENTLE.quotaCpus();

        @Option(names = "--incoming", paramLabel = "HOST:PORT", converter = AddressConverter.class,
                description = "Do not boot: listen here for a live migration of NAME, and run it when it arrives.")
        InetSocketAddress incoming;

        @Option(names = "--qemu", paramLabel = "BINARY", description = "QEMU to run (default: ${DEFAULT-VALUE} from PATH).")
        String qemu = Hypervisor.DEFAULT_QEMU;

        @Option(names = "--netns", paramLabel = "NAME", description = "Run QEMU in this network namespace (a local pool's host).")
        String namespace;

        @Option(names = "--cgroup-parent", paramLabel = "PATH", description = "Cgroup the guests' cgroups go under (default: ${DEFAULT-VALUE}).")
        String cgroupParent = Hypervisor.DEFAULT_CGROUP_PARENT;

        @Override
        void run(PrintWriter out) {
            check("NAME", () -> GuestSpec.checkName(name));
            check("option '--memory'", () -> GuestSpec.checkMemory(memoryMib));
            check("option '--cpus'", () -> GuestSpec.checkCpus(cpus));
            check("option '--nice'", () -> GuestCpu.checkNice(nice));
            check("option '--cpu-weight'", () -> GuestCpu.checkWeight(weight));
            check("option '--cpu-quota'", () -> GuestCpu.checkQuota(quota));
            GuestSpec guestSpec = new GuestSpec(name, kernel, initrd, append, disks, memoryMib, cpus, nic, accelerator);
            GuestCpu cpu = new GuestCpu(nice, weight, quota);
            Hypervisor hypervisor = host.hypervisor().withQemu(qemu).withCgroupParent(cgroupParent);
            if (namespace != null) {
                hypervisor = hypervisor.inNamespace(namespace);
            }
            if (incoming == null) {
                try (GuestDomain guest = hypervisor.start(guestSpec, cpu)) {
                    out.println("guest " + name + " runs (QEMU pid " + guest.pid() + "); serial log " + guest.serialLog());
                }
            } else {
                try (GuestDomain guest = hypervisor.receive(guestSpec, cpu, incoming)) {
                    out.println("guest " + name + " waits for its migration on " + incoming.getHostString() + ":"
                            + incoming.getPort() + " (QEMU pid " + guest.pid() + ")");
                }
            }
        }
    }

    @Command(name = "status", description = "Lists the guests on this host: state, QEMU pid, memory and CPU terms.")
    static final class Status extends GuestCall {
        @Parameters(paramLabel = "NAME", arity = "0..*", description = "These guests (default: all).")
        List<String> names = new ArrayList<>();

        @Override
        void run(PrintWriter out) {
            Hypervisor hypervisor = host.hypervisor();
            List<String> rows = new ArrayList<>();
            for (String name : names.isEmpty() ? hypervisor.guests() : names) {
                try (GuestDomain guest = hypervisor.open(name)) {
                    rows.add(String.format("%-12s %-12s %-8d %-10d %-4d %-6d %-5s %s", name, guest.state(), guest.pid(),
                            guest.spec().memoryMib(), guest.cpu().nice(), guest.cpu().weight(),
                            guest.cpu().quotaCpus() == 0 ? "-" : Double.toString(guest.cpu().quotaCpus()), guest.cgroup()));
                } catch (GuestGoneException e) {
                    rows.add(String.format("%-12s %-12s %s", name, "ended", e.getMessage()));
                }
            }
            out.println(String.format("%-12s %-12s %-8s %-10s %-4s %-6s %-5s %s", "guest", "state", "pid", "memory_mib",
                    "nice", "weight", "quota", "cgroup"));
            rows.forEach(out::println);
        }
    }

    @Command(name = "migrate", description = "Live-migrates guest NAME to the QEMU waiting at --to (ssi guest start --incoming there).")
    static final class Migrate extends GuestCall {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--to", required = true, paramLabel = "HOST:PORT", converter = AddressConverter.class,
                description = "Where the destination listens.")
        InetSocketAddress to;

        @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up (and run on here) after this long (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds = 120;

        @Override
        void run(PrintWriter out) {
            if (timeoutSeconds < 1) {
                throw new ParameterException(spec.commandLine(), "Invalid value for option '--timeout': at least 1 second, not "
                        + timeoutSeconds);
            }
            try (GuestDomain guest = host.hypervisor().open(name)) {
                MigrationReport report = guest.migrate(to, Duration.ofSeconds(timeoutSeconds));
                out.println("guest    to                      total_ms  downtime_ms  transferred_bytes  ram_bytes");
                out.println(String.format("%-8s %-23s %-9d %-12d %-18d %d", name, to.getHostString() + ":" + to.getPort(),
                        report.total().toMillis(), report.downtime().toMillis(), report.transferredBytes(), report.ramBytes()));
            }
        }
    }

    @Command(name = "stop", description = "Ends guest NAME: QEMU quits, its cgroup goes; its serial log stays.")
    static final class Stop extends GuestCall {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        void run(PrintWriter out) {
            try (GuestDomain guest = host.hypervisor().open(name)) {
                guest.stop();
                out.println("guest " + name + " stopped");
            } catch (GuestGoneException e) {
                host.hypervisor().forgetEnded(name);
                out.println("guest " + name + " had already ended; what it left here is removed");
            }
        }
    }
}
