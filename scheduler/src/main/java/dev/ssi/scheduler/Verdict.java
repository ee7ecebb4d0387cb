package dev.ssi.scheduler;

/** A destination's answer to an offered job. */
public enum Verdict {
    ACCEPT,
    NOT_ACCEPTING,
    GUEST_CAP_REACHED,
    USER_NOT_ACCEPTED,
    NOT_ENOUGH_MEMORY,
    UNHEALTHY;

    public boolean accepted() {
        return this == ACCEPT;
    }
}
