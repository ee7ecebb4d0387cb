/**
 * The protocol every role of a node speaks to other nodes: the calls and messages
 * ({@link dev.ssi.daemon.peer.PeerProtocol}, their protobuf {@code PeerMessages}), grouped by who
 * receives them — {@link dev.ssi.daemon.peer.HomeBound}, {@link dev.ssi.daemon.peer.HostBound},
 * {@link dev.ssi.daemon.peer.TargetBound} — each handed to its role's one {@code accept}.
 * Depends on nothing else in the daemon.
 */
package dev.ssi.daemon.peer;
