package dev.ssi.checkpoint;

import java.util.List;

/**
 * CRIU refused or failed: the step that failed, CRIU's own error message and errno, and the
 * last error lines of its log — enough to act on without opening the log.
 */
public final class CriuException extends Exception {
    private final String step;
    private final int criuErrno;
    private final List<String> logTail;

    CriuException(String step, String reason, int criuErrno, List<String> logTail) {
        super(compose(step, reason, logTail));
        this.step = step;
        this.criuErrno = criuErrno;
        this.logTail = List.copyOf(logTail);
    }

    CriuException(String step, String reason) {
        this(step, reason, 0, List.of());
    }

    CriuException(String step, String reason, Throwable cause) {
        this(step, reason + ": " + cause.getMessage());
        initCause(cause);
    }

    private static String compose(String step, String reason, List<String> logTail) {
        StringBuilder s = new StringBuilder(step).append(" failed: ").append(reason);
        if (!logTail.isEmpty()) {
            s.append("\nCRIU's log ends:");
            logTail.forEach(line -> s.append("\n  ").append(line));
        }
        return s.toString();
    }

    /** What was being done, e.g. "dump of pid 42". */
    public String step() {
        return step;
    }

    /** CRIU's cr_errno, or 0 when it gave none. */
    public int criuErrno() {
        return criuErrno;
    }

    public List<String> logTail() {
        return logTail;
    }
}
