package dev.ssi.daemon.migration;

import dev.ssi.checkpoint.Criu;
import dev.ssi.checkpoint.CriuException;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.peer.PeerMessages.Offer;
import dev.ssi.daemon.peer.PeerRefusal;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.RefusedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether this node takes an offered job, decided before anything freezes at the source: room
 * (its sender's right to offer it, the host owner's terms and the jobs already coming), an owner
 * this node knows (the images will be checked against it once they are here), a command
 * to run, the right to keep a job frozen, the files the job holds open, disk for its images, and
 * a CPU that can run them. A refusal is thrown as a {@link RefusedException} that says why, and
 * logged.
 */
final class OfferCheck {
    private final MigrationTarget.Room room;
    private final FrozenJobs frozen;
    private final CompatibleCpus cpus;
    private final ImageRoom disk;
    private final ReceivedImages images;

    OfferCheck(Criu criu, MigrationTarget.Room room, FrozenJobs frozen, ReceivedImages images, Path incoming) {
        this.room = room;
        this.images = images;
        this.disk = new ImageRoom(incoming);
        this.frozen = frozen;
        this.cpus = new CompatibleCpus(criu);
    }

    /**
     * Refuses the offer of {@code job} from {@code from} unless this node can take it, with
     * {@code alreadyComing} others on their way in.
     */
    void check(NodeId from, JobId job, Offer offer, int alreadyComing) {
        Optional<String> refusal = room.refusal(from, offer, alreadyComing);
        if (refusal.isPresent()) {
            throw PeerRefusal.of(from, "Offer", job.value(), refusal.get());
        }
        images.ownerRefusal(offer).ifPresent(why -> {
            throw PeerRefusal.of(from, "Offer", job.value(), why);
        });
        if (offer.getArgvCount() == 0) {
            throw new RefusedException("offer of " + job + " has no command");
        }
        if (offer.getFreeze() && !frozen.mayKeep(job)) {
            throw new RefusedException("only the home of " + job + " keeps it frozen");
        }
        for (String file : offer.getOpenFilesList()) {
            if (!Files.isRegularFile(Path.of(file)) && !Files.isDirectory(Path.of(file))) {
                throw new RefusedException(job + " holds " + file + " open, which this node cannot see");
            }
        }
        disk.refusal(offer.getImageBytes()).ifPresent(why -> {
            throw PeerRefusal.of(from, "Offer", job.value(), why);
        });
        try {
            cpus.check(offer.getCpuinfo());
        } catch (CriuException e) {
            throw new RefusedException("this node's CPU cannot run " + job + ": " + e.getMessage());
        }
    }
}
