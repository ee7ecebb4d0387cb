package dev.ssi.checkpoint;

/** CRIU's version, e.g. 4.1.1. */
public record CriuVersion(int major, int minor, int sublevel) {

    public boolean atLeast(int wantMajor, int wantMinor) {
        return major > wantMajor || (major == wantMajor && minor >= wantMinor);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + sublevel;
    }
}
