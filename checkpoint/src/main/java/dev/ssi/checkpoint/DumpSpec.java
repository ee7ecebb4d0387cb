package dev.ssi.checkpoint;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What to dump and how. {@code root} is the tree's root pid, for an ssi job the pid 1 of its
 * namespace. After the dump the tree is killed, unless it is left running or left stopped.
 * {@code workDir} holds CRIU's log and statistics, apart from the images that travel.
 */
public record DumpSpec(int root, Path imagesDir, Path workDir, AfterDump after, Optional<Path> parentImages) {

    public enum AfterDump {
        KILL,
        LEAVE_RUNNING,
        LEAVE_STOPPED
    }

    public static DumpSpec of(int root, Path imagesDir, Path workDir) {
        return new DumpSpec(root, imagesDir, workDir, AfterDump.KILL, Optional.empty());
    }

    public DumpSpec leaveRunning() {
        return new DumpSpec(root, imagesDir, workDir, AfterDump.LEAVE_RUNNING, parentImages);
    }

    public DumpSpec leaveStopped() {
        return new DumpSpec(root, imagesDir, workDir, AfterDump.LEAVE_STOPPED, parentImages);
    }

    /** Dump only what changed since the pre-dump in {@code parent} (needs memory dirty tracking). */
    public DumpSpec withParent(Path parent) {
        return new DumpSpec(root, imagesDir, workDir, after, Optional.of(parent));
    }
}
