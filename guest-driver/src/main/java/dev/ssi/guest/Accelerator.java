package dev.ssi.guest;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How QEMU runs the guest's CPUs: software emulation (TCG, works everywhere) or KVM (fast, needs
 * {@code /dev/kvm} and a host that really has it; on some VMs KVM guests die early, so TCG is the
 * default).
 */
public enum Accelerator {
    TCG("tcg", "qemu64"),
    KVM("kvm", "host");

    private static final Path KVM_DEVICE = Path.of("/dev/kvm");

    private final String qemuName;
    private final String cpuModel;

    Accelerator(String qemuName, String cpuModel) {
        this.qemuName = qemuName;
        this.cpuModel = cpuModel;
    }

    String qemuName() {
        return qemuName;
    }

    /** The guest CPU model: under KVM the host's, so that a guest migrates only between like hosts. */
    String cpuModel() {
        return cpuModel;
    }

    void checkAvailable() {
        if (this == KVM && !(Files.isReadable(KVM_DEVICE) && Files.isWritable(KVM_DEVICE))) {
            throw new GuestException("KVM asked for, but " + KVM_DEVICE + " is missing or not usable here; use TCG");
        }
    }

    public static Accelerator parse(String name) {
        for (Accelerator accelerator : values()) {
            if (accelerator.qemuName.equalsIgnoreCase(name)) {
                return accelerator;
            }
        }
        throw new GuestException("'" + name + "' is not an accelerator (tcg or kvm)");
    }
}
