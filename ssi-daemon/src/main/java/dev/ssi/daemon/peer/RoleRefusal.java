package dev.ssi.daemon.peer;

import dev.ssi.transport.NodeId;
import dev.ssi.transport.RefusedException;

/**
 * A message refused because its sender does not hold the role it needs in this node's own
 * state. It is logged, naming the sender, the message and the job; a call is answered with the
 * returned {@link RefusedException}, a one-way message dropped.
 */
public final class RoleRefusal {
    private static final System.Logger LOG = System.getLogger(RoleRefusal.class.getName());

    private RoleRefusal() {}

    /** Logs the refusal of {@code message} about {@code job} from {@code from}, and returns it to throw or to drop. */
    public static RefusedException of(NodeId from, String message, String job, String why) {
        String reason = message + " for " + job + " from " + from + " refused: " + why;
        LOG.log(System.Logger.Level.WARNING, reason);
        return new RefusedException(reason);
    }
}
