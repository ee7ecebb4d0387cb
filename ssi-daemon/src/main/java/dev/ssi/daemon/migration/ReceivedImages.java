package dev.ssi.daemon.migration;

import dev.ssi.checkpoint.image.BadImageException;
import dev.ssi.checkpoint.image.DumpedTree;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.Owner;
import dev.ssi.daemon.peer.PeerMessages.Offer;
import dev.ssi.transport.NodeId;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Whether images this node received may reach CRIU's restore: they must run as the job's owner
 * ({@link ImageOwnerRule}). The owner of a job whose home is this node is the one its home
 * recorded; of any other job, the account its offer's user has on this node — the user this
 * node's terms for guests judged it by.
 */
public final class ReceivedImages {
    private final NodeId self;
    private final Function<JobId, Optional<Owner>> homeOwners;
    private final Path shim;

    /** {@code homeOwners}: the owners this node's home recorded; {@code shim}: this node's ssi-init. */
    public ReceivedImages(NodeId self, Function<JobId, Optional<Owner>> homeOwners, Path shim) {
        this.self = self;
        this.homeOwners = homeOwners;
        this.shim = shim;
    }

    /** Why this node cannot tell whose job {@code offer} offers; empty when it can. */
    Optional<String> ownerRefusal(Offer offer) {
        return ownerOf(offer).isPresent() ? Optional.empty() : Optional.of(noOwner(offer));
    }

    /** Why the images in {@code images} of the job {@code offer} offers may not be restored here; empty when they may. */
    Optional<String> refusal(Offer offer, Path images) {
        Optional<Owner> owner = ownerOf(offer);
        if (owner.isEmpty()) {
            return Optional.of(noOwner(offer));
        }
        DumpedTree tree;
        try {
            tree = DumpedTree.read(images);
        } catch (BadImageException e) {
            return Optional.of("its images cannot be read: " + e.getMessage());
        }
        return ImageOwnerRule.refusal(tree, owner.get(), shimPath());
    }

    private Optional<Owner> ownerOf(Offer offer) {
        JobId job = new JobId(offer.getJob());
        return job.home().equals(self) ? homeOwners.apply(job) : Owner.account(offer.getUser());
    }

    private String noOwner(Offer offer) {
        JobId job = new JobId(offer.getJob());
        if (job.home().equals(self)) {
            return "its home, " + self + ", has no owner on record for " + job;
        }
        return offer.getUser().isEmpty() ? "the offer of " + job + " names no user"
                : "user " + offer.getUser() + " has no account on " + self;
    }

    /** The path CRIU's images name ssi-init by: the real one. */
    private String shimPath() {
        try {
            return shim.toRealPath().toString();
        } catch (IOException e) {
            return shim.toAbsolutePath().normalize().toString();
        }
    }
}
