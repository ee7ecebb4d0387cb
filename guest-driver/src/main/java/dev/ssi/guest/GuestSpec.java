package dev.ssi.guest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a guest domain is: its name, a kernel booted directly (with an optional initramfs and
 * command line), its disk images (virtio, in this order: the first is /dev/vda), its memory, its
 * virtual CPUs, its network card and the accelerator. A live migration's destination is started
 * with the very same spec, and sees the same disk images (shared storage). An initrd that is not
 * given is {@code null}.
 */
public record GuestSpec(String name, Path kernel, Path initrd, String append, List<Path> disks, int memoryMib, int cpus,
        GuestNic nic, Accelerator accelerator) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,30}");

    public GuestSpec {
        checkName(name);
        if (kernel == null) {
            throw new GuestException("a guest needs a kernel");
        }
        checkMemory(memoryMib);
        checkCpus(cpus);
        append = append == null ? "" : append;
        disks = disks == null ? List.of() : List.copyOf(disks);
        nic = nic == null ? GuestNic.NONE : nic;
        accelerator = accelerator == null ? Accelerator.TCG : accelerator;
    }

    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new GuestException("a guest name is 1-31 of a-z, 0-9 and '-', starting with a letter or digit, not '"
                    + name + "'");
        }
    }

    public static void checkMemory(int mib) {
        if (mib < 16 || mib > (1 << 20)) {
            throw new GuestException("guest memory is 16..1048576 MiB, not " + mib);
        }
    }

    public static void checkCpus(int cpus) {
        if (cpus < 1 || cpus > 64) {
            throw new GuestException("a guest has 1..64 CPUs, not " + cpus);
        }
    }

    /** A disk image's format, from its name: {@code .qcow2} or raw. */
    static String diskFormat(Path disk) {
        return disk.getFileName().toString().endsWith(".qcow2") ? "qcow2" : "raw";
    }

    /** Checks that the files it boots from are here, before QEMU is started with them. */
    void checkFiles() {
        requireFile("kernel", kernel);
        if (initrd != null) {
            requireFile("initrd", initrd);
        }
        for (Path disk : disks) {
            requireFile("disk", disk);
        }
    }

    private static void requireFile(String what, Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            throw new GuestException("the guest's " + what + " " + file + " is not a file here");
        }
    }
}
