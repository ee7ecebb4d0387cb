package dev.ssi.daemon.migration;

import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.JobPipes;
import dev.ssi.daemon.job.RunningJob;
import dev.ssi.daemon.peer.PeerMessages.Offer;
import dev.ssi.transport.NodeId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

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
    private volatile long lastProgressNanos = since;
    private volatile boolean streaming;
    private volatile boolean ready;
    private final AtomicBoolean expired = new AtomicBoolean();

    /** A copy of {@code offer} from {@code source}, its files in a directory of its own under {@code incoming}. */
    IncomingCopy(Offer offer, NodeId source, Path incoming) {
        this.offer = offer;
        this.source = source;
        this.epoch = offer.getEpoch() + 1;
        this.dir = incoming.resolve(offer.getJob().replace('/', '-') + "-" + epoch);
    }

    /** Its images began to stream in at {@code nanos}. */
    void streamBegan(long nanos) {
        streaming = true;
        lastProgressNanos = nanos;
    }

    /** Its images stopped streaming in at {@code nanos}, whole or not. */
    void streamEnded(long nanos) {
        streaming = false;
        lastProgressNanos = nanos;
    }

    /** Its source has been (or may have been) told it is restored: from now on only its source's word ends it. */
    void ready() {
        ready = true;
    }

    /**
     * True once, the first time this copy is found stalled: never said to be restored, no images
     * streaming, and nothing come for {@code timeout}. Its source cannot have committed it, so
     * discarding it frees the place it holds and loses nothing.
     */
    boolean expires(long nowNanos, Duration timeout) {
        return !ready && !streaming && nowNanos - lastProgressNanos > timeout.toNanos() && expired.compareAndSet(false, true);
    }

    JobId job() {
        return new JobId(offer.getJob());
    }

    JobPipes pipes() {
        return new JobPipes(offer.getStdinKey(), offer.getStdoutKey(), offer.getStatusKey());
    }
}
