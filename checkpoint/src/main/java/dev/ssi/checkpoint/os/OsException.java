package dev.ssi.checkpoint.os;

import com.sun.jna.LastErrorException;
import java.io.IOException;

/** A failed system call: which call, on what, and the system's own words for the error. */
public class OsException extends IOException {
    private final int errno;

    OsException(String call, int errno) {
        super(call + ": " + LibC.INSTANCE.strerror(errno));
        this.errno = errno;
    }

    OsException(String call, LastErrorException cause) {
        this(call, cause.getErrorCode());
    }

    public int errno() {
        return errno;
    }
}
