package dev.ssi.scheduler;

/** How well a node is, as its own sensors tell; only a healthy node is given jobs. */
public enum Health {
    OK,
    /** Working, but should take no new work (e.g. a disk warning, running hot). */
    DEGRADED,
    /** About to fail: its jobs should leave. */
    FAILING
}
