package dev.ssi.checkpoint;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * What a node must match for a job dumped elsewhere to restore here: the CPU as CRIU sees it
 * (CRIU's own cpuinfo image, which it can check on another node), the kernel and CRIU.
 */
public record NodeFingerprint(CriuVersion criu, String kernel, byte[] cpuinfoImage, String cpuDigest) {

    public NodeFingerprint {
        cpuinfoImage = cpuinfoImage.clone();
    }

    @Override
    public byte[] cpuinfoImage() {
        return cpuinfoImage.clone();
    }

    static String digest(byte[] image) {
        try {
            byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(image);
            return HexFormat.of().formatHex(sha, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeFingerprint f && criu.equals(f.criu) && kernel.equals(f.kernel)
                && Arrays.equals(cpuinfoImage, f.cpuinfoImage);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * criu.hashCode() + kernel.hashCode()) + Arrays.hashCode(cpuinfoImage);
    }

    @Override
    public String toString() {
        return "criu " + criu + ", kernel " + kernel + ", cpu " + cpuDigest;
    }
}
