package dev.ssi.transport;

/** The connection to the peer is closed (or could not be opened); the message says why. */
public final class PeerGoneException extends TransportException {
    private final boolean neverSent;

    public PeerGoneException(String reason) {
        this(reason, null, false);
    }

    public PeerGoneException(String reason, Throwable cause) {
        this(reason, cause, false);
    }

    private PeerGoneException(String reason, Throwable cause, boolean neverSent) {
        super(reason, cause);
        this.neverSent = neverSent;
    }

    /** The request could not even be written: the peer cannot have seen it, so it may safely go again. */
    public static PeerGoneException neverSent(String reason, Throwable cause) {
        return new PeerGoneException(reason, cause, true);
    }

    public boolean neverSent() {
        return neverSent;
    }

    /** Whether {@code failure}, or what it wraps, is a request that was never written. */
    public static boolean isNeverSent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PeerGoneException gone && gone.neverSent) {
                return true;
            }
        }
        return false;
    }
}
