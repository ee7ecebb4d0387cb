package dev.ssi.scheduler.gossip;

import dev.ssi.scheduler.LoadVector;
import java.util.Objects;

/** One vector on the wire, with its age when sent (ages, unlike timestamps, need no shared clock). */
public record GossipEntry(LoadVector vector, long ageMillis) {
    public GossipEntry {
        Objects.requireNonNull(vector, "vector");
        if (ageMillis < 0) {
            throw new IllegalArgumentException("negative age");
        }
    }
}
