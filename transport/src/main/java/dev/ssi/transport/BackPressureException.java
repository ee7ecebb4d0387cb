package dev.ssi.transport;

/**
 * Nothing was sent: the connection to the peer is full. The peer has not taken what was already
 * sent to it, or not answered the calls already made; the message says which and how much. The
 * connection stays open and may drain; one that stays full is closed (see {@code PeerLimits}).
 */
public final class BackPressureException extends TransportException {
    public BackPressureException(String message) {
        super(message);
    }
}
