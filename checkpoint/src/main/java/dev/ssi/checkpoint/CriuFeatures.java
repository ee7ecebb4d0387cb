package dev.ssi.checkpoint;

/**
 * What this node's kernel and CRIU can do beyond plain stop-and-copy: memory dirty tracking
 * (iterative pre-copy), lazy pages (post-copy over userfaultfd), and the pidfd store.
 */
public record CriuFeatures(boolean memoryTracking, boolean lazyPages, boolean pidfdStore) {}
