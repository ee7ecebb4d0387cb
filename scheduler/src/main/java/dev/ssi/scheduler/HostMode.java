package dev.ssi.scheduler;

/** What a node does with guests now. */
public enum HostMode {
    /** Takes guests. */
    OPEN,
    /** The owner works; guests stay, capped, and no new ones come. */
    OWNER_ACTIVE,
    /** The owner took the machine back: guests must leave, none come. */
    RECLAIMING,
    /** The owner closed it to guests (MOSIX {@code mosctl block}): none come, those here stay. */
    CLOSED
}
