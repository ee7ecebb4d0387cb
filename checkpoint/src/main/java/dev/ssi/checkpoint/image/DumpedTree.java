package dev.ssi.checkpoint.image;

import java.nio.file.Path;
import java.util.List;

/**
 * As whom a dumped tree will run once CRIU restores it, as its images say: the pid of its root
 * (the first task), the credentials of every thread of every live task (a zombie runs nothing),
 * the executable of the root, and whether the images carry a user namespace (in which every id
 * means what that namespace's maps make it).
 */
public record DumpedTree(int root, List<ThreadCredentials> threads, String rootExecutable, boolean userNamespace) {

    public DumpedTree {
        threads = List.copyOf(threads);
    }

    /**
     * Reads the images in {@code images} as CRIU's restore would; bad images are refused with a
     * reason, and no more than a bounded amount of them is held in memory at once.
     */
    public static DumpedTree read(Path images) throws BadImageException {
        return new TreeReader(images).read();
    }
}
