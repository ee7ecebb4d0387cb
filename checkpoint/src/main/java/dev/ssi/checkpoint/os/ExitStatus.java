package dev.ssi.checkpoint.os;

/** How a process ended: exited with a code, or killed by a signal. */
public record ExitStatus(int code, int signal) {

    public static ExitStatus exited(int code) {
        return new ExitStatus(code, 0);
    }

    public static ExitStatus killedBy(int signal) {
        return new ExitStatus(0, signal);
    }

    /** Decodes a raw status from waitpid(2). */
    static ExitStatus fromWaitStatus(int raw) {
        int signal = raw & 0x7f;
        return signal == 0 ? exited((raw >> 8) & 0xff) : killedBy(signal);
    }

    public boolean killed() {
        return signal != 0;
    }

    /** The shell's single number for this status: the code, or 128 + the signal. */
    public int shellCode() {
        return killed() ? 128 + signal : code;
    }

    @Override
    public String toString() {
        return killed() ? "killed by signal " + signal : "exited with " + code;
    }
}
