package dev.ssi.scheduler.gossip;

/** What a node makes of a peer from the age of its freshest news. Forgotten peers have no state. */
public enum MemberState {
    ALIVE,
    /** Silent too long to be given work; forgotten if it stays silent. */
    SUSPECT
}
