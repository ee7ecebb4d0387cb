package dev.ssi.daemon.peer;

import dev.ssi.transport.NodeId;
import dev.ssi.transport.RefusedException;

/**
 * A peer's message about a job refused: its sender does not hold the role the message needs in
 * this node's own state, or (an offer) this node cannot take the job. It is logged, naming the
 * sender, the message and the job; a call is answered with the returned
 * {@link RefusedException}, a one-way message dropped.
 */
public final class PeerRefusal {
    private static final System.Logger LOG = System.getLogger(PeerRefusal.class.getName());

    private PeerRefusal() {}

    /** Logs the refusal of {@code message} about {@code job} from {@code from}, and returns it to throw or to drop. */
    public static RefusedException of(NodeId from, String message, String job, String why) {
        String reason = message + " for " + job + " from " + from + " refused: " + why;
        LOG.log(System.Logger.Level.WARNING, reason);
        return new RefusedException(reason);
    }
}
