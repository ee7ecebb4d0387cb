package dev.ssi.checkpoint;

import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.checkpoint.os.OsException;
import dev.ssi.checkpoint.os.Processes;

/** A restored process tree. Its root is our child (restored as CRIU's sibling): wait for it. */
public record RestoredTree(int pid) {

    public void resume() throws OsException {
        Processes.resumeTree(pid);
    }

    public ExitStatus waitFor() throws OsException {
        return Processes.waitFor(pid);
    }

    /** Kills the root (and with it its PID namespace) and reaps it. */
    public void kill() {
        Processes.killAndReap(pid);
    }
}
