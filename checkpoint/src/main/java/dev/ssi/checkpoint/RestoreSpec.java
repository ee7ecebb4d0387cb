package dev.ssi.checkpoint;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What to restore and how. {@code inherited} re-attaches the tree's external descriptors (its
 * stdio pipes, whose other ends were held outside the tree) to descriptors of ours: key as
 * {@link dev.ssi.checkpoint.os.Descriptors#describe} named them at dump time, e.g. "pipe:[4242]".
 */
public record RestoreSpec(Path imagesDir, Path workDir, Map<String, Integer> inherited, boolean stopped) {

    public RestoreSpec {
        inherited = Map.copyOf(inherited);
    }

    public static RestoreSpec of(Path imagesDir, Path workDir) {
        return new RestoreSpec(imagesDir, workDir, Map.of(), false);
    }

    /** The tree's descriptor that was {@code key} at dump time becomes a copy of our {@code fd}. */
    public RestoreSpec inherit(String key, int fd) {
        Map<String, Integer> more = new LinkedHashMap<>(inherited);
        more.put(key, fd);
        return new RestoreSpec(imagesDir, workDir, more, stopped);
    }

    /** Keep the restored tree stopped until {@link RestoredTree#resume()}. */
    public RestoreSpec leaveStopped() {
        return new RestoreSpec(imagesDir, workDir, inherited, true);
    }
}
