package dev.ssi.transport;

/**
 * The peer (or this node, about a peer) said no: no handler for the call, a handler that
 * refused, a stream offer declined, a certificate that does not prove the expected node id.
 * Handlers throw or complete with this to refuse a caller with a reason.
 */
public final class RefusedException extends TransportException {
    public RefusedException(String reason) {
        super(reason);
    }
}
