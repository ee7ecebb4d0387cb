package dev.ssi.guest;

import java.nio.file.Path;

/** A guest's directory on its hypervisor host, and what lives there. */
record GuestFiles(Path dir) {
    /** What the driver knows of the guest: its spec, CPU terms and cgroup. */
    Path record() {
        return dir.resolve("guest.json");
    }

    Path qmpSocket() {
        return dir.resolve("qmp.sock");
    }

    /** Everything the guest writes to its first serial port. */
    Path serialLog() {
        return dir.resolve("serial.log");
    }

    Path pidFile() {
        return dir.resolve("qemu.pid");
    }

    /** QEMU's own standard output and error. */
    Path qemuLog() {
        return dir.resolve("qemu.log");
    }
}
