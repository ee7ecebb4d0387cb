package dev.ssi.guest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The QEMU command line of a guest domain: no default devices, no display, the kernel booted
 * directly, the first serial port to a file, QMP on a Unix socket. A fresh guest starts paused
 * ({@code -S}) so that its cgroup and nice level are set before it runs; a migration's
 * destination waits for {@code migrate-incoming} ({@code -incoming defer}) and resumes by itself
 * when the migration completes. Both ends of a migration get the same devices from the same spec.
 */
final class QemuCommandLine {
    private QemuCommandLine() {}

    static List<String> of(String qemu, GuestSpec spec, GuestFiles files, boolean incoming) {
        List<String> line = new ArrayList<>(List.of(qemu,
                "-name", "guest=" + spec.name(),
                "-nodefaults", "-no-user-config", "-display", "none",
                "-machine", "pc", "-accel", spec.accelerator().qemuName(), "-cpu", spec.accelerator().cpuModel(),
                "-m", Integer.toString(spec.memoryMib()), "-smp", Integer.toString(spec.cpus()),
                "-kernel", spec.kernel().toString()));
        if (spec.initrd() != null) {
            line.addAll(List.of("-initrd", spec.initrd().toString()));
        }
        if (!spec.append().isEmpty()) {
            line.addAll(List.of("-append", spec.append()));
        }
        for (Path disk : spec.disks()) {
            line.addAll(List.of("-drive", "file=" + commaSafe(disk.toString()) + ",format=" + GuestSpec.diskFormat(disk)
                    + ",if=virtio"));
        }
        line.addAll(nic(spec));
        line.addAll(List.of(
                "-chardev", "file,id=serial0,path=" + commaSafe(files.serialLog().toString()), "-serial", "chardev:serial0",
                "-qmp", "unix:" + commaSafe(files.qmpSocket().toString()) + ",server=on,wait=off",
                "-pidfile", files.pidFile().toString()));
        line.addAll(incoming ? List.of("-incoming", "defer") : List.of("-S"));
        return line;
    }

    private static List<String> nic(GuestSpec spec) {
        String mac = mac(spec.name());
        return switch (spec.nic().kind()) {
            case "user" -> List.of("-nic", "user,model=virtio-net-pci,mac=" + mac);
            case "tap" -> List.of("-nic", "tap,ifname=" + spec.nic().tap() + ",script=no,downscript=no,model=virtio-net-pci,mac=" + mac);
            default -> List.of();
        };
    }

    /** A locally administered MAC from the guest's name: the same on both ends of a migration. */
    static String mac(String name) {
        int hash = name.hashCode();
        return String.format("52:54:00:%02x:%02x:%02x", (hash >> 16) & 0xff, (hash >> 8) & 0xff, hash & 0xff);
    }

    /** QEMU's option syntax doubles a comma that belongs to a value. */
    private static String commaSafe(String value) {
        return value.replace(",", ",,");
    }
}
