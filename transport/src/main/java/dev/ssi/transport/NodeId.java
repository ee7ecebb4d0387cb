package dev.ssi.transport;

import java.util.regex.Pattern;

/** The name of a node in the pool; it is the common name of the node's certificate. */
public record NodeId(String value) implements Comparable<NodeId> {
    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9.-]{0,62}");

    public NodeId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "node id must be 1-63 of [a-z0-9.-], starting with a letter or digit: " + value);
        }
    }

    public static NodeId of(String value) {
        return new NodeId(value);
    }

    @Override
    public int compareTo(NodeId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
