package dev.ssi.scheduler;

import java.util.Objects;

/** A node of the pool, named as its certificate names it. */
public record NodeName(String name) implements Comparable<NodeName> {
    public NodeName {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a node id must not be blank");
        }
    }

    @Override
    public int compareTo(NodeName other) {
        return name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
