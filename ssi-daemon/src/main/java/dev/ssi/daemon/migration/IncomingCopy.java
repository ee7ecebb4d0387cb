package dev.ssi.daemon.migration;

import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.JobPipes;
import dev.ssi.daemon.job.RunningJob;
import dev.ssi.daemon.peer.PeerMessages.Offer;
import dev.ssi.transport.NodeId;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * An offer this node accepted and has not yet committed or discarded: where its images go, when
 * they have arrived, and the stopped copy once restored. {@link MigrationTarget} guards a copy's
 * steps by synchronizing on it.
 */
final class IncomingCopy {
    final Offer offer;
    final NodeId source;
    final int epoch;
    final Path dir;
    final CompletableFuture<Path> images = new CompletableFuture<>();
    final long since = System.nanoTime();
    RunningJob restored;

    /** A copy of {@code offer} from {@code source}, its files in a directory of its own under {@code incoming}. */
    IncomingCopy(Offer offer, NodeId source, Path incoming) {
        this.offer = offer;
        this.source = source;
        this.epoch = offer.getEpoch() + 1;
        this.dir = incoming.resolve(offer.getJob().replace('/', '-') + "-" + epoch);
    }

    JobId job() {
        return new JobId(offer.getJob());
    }

    JobPipes pipes() {
        return new JobPipes(offer.getStdinKey(), offer.getStdoutKey(), offer.getStatusKey());
    }
}
