package dev.ssi.daemon.job;

import dev.ssi.transport.NodeId;

/** A job's pool-wide name: its home node and a number there, e.g. "ws/7". */
public record JobId(String value) {

    public JobId {
        if (value == null || !value.matches("[A-Za-z0-9._-]+/[0-9]+")) {
            throw new IllegalArgumentException("not a job id: " + value);
        }
    }

    public static JobId of(String home, long number) {
        return new JobId(home + "/" + number);
    }

    /** The node whose job this is: its id names it, and a message or offer that names another home is false. */
    public NodeId home() {
        return NodeId.of(value.substring(0, value.indexOf('/')));
    }

    @Override
    public String toString() {
        return value;
    }
}
