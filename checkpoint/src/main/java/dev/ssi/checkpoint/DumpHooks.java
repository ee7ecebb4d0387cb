package dev.ssi.checkpoint;

/** Called during a dump; a hook that throws aborts the dump and CRIU resumes the tree. */
@FunctionalInterface
public interface DumpHooks {
    DumpHooks NONE = () -> {};

    /**
     * Every image is written and the tree is still frozen: the moment to ship the images
     * before the tree is killed or left stopped.
     */
    void imagesComplete() throws Exception;
}
