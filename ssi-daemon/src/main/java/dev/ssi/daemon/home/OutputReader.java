package dev.ssi.daemon.home;

/**
 * Whoever takes a job's output from its home, at its own pace: it reads what it wants with
 * {@link HomeOutput#read} and says what it has with {@link HomeOutput#received}; home only tells
 * it that there is more.
 */
@FunctionalInterface
public interface OutputReader {
    /**
     * There is more output, or the job's end: called with home's lock held, so it must not block
     * (an ssi-run's connection only takes note and reads later, on its own thread).
     */
    void more();
}
