package dev.ssi.scheduler;

import java.util.Objects;

/** A job of the pool, unique across it (the daemon prefixes it with the home node). */
public record JobName(String value) {
    public JobName {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("a job id must not be blank");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
