package dev.ssi.scheduler;

import java.util.Objects;

/** A peer's load vector and how old that knowledge is. */
public record PeerInfo(LoadVector vector, long ageMillis) {
    public PeerInfo {
        Objects.requireNonNull(vector, "vector");
        if (ageMillis < 0) {
            throw new IllegalArgumentException("negative age");
        }
    }
}
