package dev.ssi.daemon.migration;

import dev.ssi.checkpoint.Criu;
import dev.ssi.daemon.Directories;
import dev.ssi.checkpoint.CriuException;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.RunningJob;
import dev.ssi.daemon.migration.PeerMessages.Abort;
import dev.ssi.daemon.migration.PeerMessages.Done;
import dev.ssi.daemon.migration.PeerMessages.JobRef;
import dev.ssi.daemon.migration.PeerMessages.Offer;
import dev.ssi.daemon.migration.PeerMessages.Restored;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.RefusedException;
import dev.ssi.transport.TransportNode;
import dev.ssi.transport.stream.IncomingStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The receiving half of a migration. An offer is checked before anything freezes (files the job
 * holds open, CPU, room); the images stream into a fresh directory; the job is restored stopped;
 * on commit it is resumed and handed to {@code arrived}; on abort everything is discarded.
 */
public final class MigrationTarget {
    private final Criu criu;
    private final CompatibleCpus cpus;
    private final Path incoming;
    private final Executor work;
    private final Predicate<JobId> hasRoom;
    private final Arrival arrived;
    private final Map<JobId, Pending> pending = new ConcurrentHashMap<>();

    /** Receives a committed, running job: its offer says where home is and which epoch this is. */
    @FunctionalInterface
    public interface Arrival {
        void arrived(Offer offer, RunningJob running);
    }

    /** An offer accepted and not yet committed or aborted. */
    private static final class Pending {
        final Offer offer;
        final NodeId source;
        final Path dir;
        final CompletableFuture<Path> images = new CompletableFuture<>();
        volatile RunningJob restored;

        Pending(Offer offer, NodeId source, Path dir) {
            this.offer = offer;
            this.source = source;
            this.dir = dir;
        }
    }

    public MigrationTarget(Criu criu, Path incoming, Executor work, Predicate<JobId> hasRoom, Arrival arrived) {
        this.criu = criu;
        this.cpus = new CompatibleCpus(criu);
        this.incoming = incoming;
        this.work = work;
        this.hasRoom = hasRoom;
        this.arrived = arrived;
    }

    public void register(TransportNode node) {
        node.onCall(PeerProtocol.OFFER, (from, offer) -> CompletableFuture.supplyAsync(() -> accept(from, offer), work));
        node.onStream(this::offered);
        node.onCall(PeerProtocol.RESTORE, (from, ref) -> CompletableFuture.supplyAsync(() -> restore(from, ref), work));
        node.onCall(PeerProtocol.COMMIT, (from, ref) -> CompletableFuture.supplyAsync(() -> commit(from, ref), work));
        node.onCall(PeerProtocol.ABORT, (from, abort) -> CompletableFuture.supplyAsync(() -> abort(from, abort), work));
    }

    private Done accept(NodeId from, Offer offer) {
        JobId job = jobOf(offer.getJob());
        if (pending.containsKey(job) || !hasRoom.test(job)) {
            throw new RefusedException("no room for " + job + " here");
        }
        if (offer.getArgvCount() == 0) {
            throw new RefusedException("offer of " + job + " has no command");
        }
        for (String file : offer.getOpenFilesList()) {
            if (!Files.isRegularFile(Path.of(file)) && !Files.isDirectory(Path.of(file))) {
                throw new RefusedException(job + " holds " + file + " open, which this node cannot see");
            }
        }
        try {
            cpus.check(offer.getCpuinfo());
        } catch (CriuException e) {
            throw new RefusedException("this node's CPU cannot run " + job + ": " + e.getMessage());
        }
        Path dir = incoming.resolve(job.value().replace('/', '-') + "-" + (offer.getEpoch() + 1));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new RefusedException("cannot make " + dir + ": " + e.getMessage());
        }
        pending.put(job, new Pending(offer, from, dir));
        return Done.getDefaultInstance();
    }

    private void offered(IncomingStream stream) {
        JobId job;
        try {
            job = jobOf(stream.label());
        } catch (RefusedException e) {
            stream.refuse(e.getMessage());
            return;
        }
        Pending p = pending.get(job);
        if (p == null || !p.source.equals(stream.from())) {
            stream.refuse("no accepted offer of " + job + " from " + stream.from());
            return;
        }
        stream.accept(p.dir.resolve("images")).whenComplete((dir, failure) -> {
            if (failure != null) {
                p.images.completeExceptionally(failure);
            } else {
                p.images.complete(dir);
            }
        });
    }

    private Restored restore(NodeId from, JobRef ref) {
        Pending p = pendingFrom(from, ref.getJob());
        try {
            Path images = p.images.get(1, TimeUnit.MINUTES);
            p.restored = RunningJob.restore(criu, images, p.dir.resolve("work"), p.offer.getStdinKey(),
                    p.offer.getStdoutKey());
            return Restored.newBuilder().setPid(p.restored.root()).build();
        } catch (Exception e) {
            throw new IllegalStateException("cannot restore " + ref.getJob() + ": " + e.getMessage(), e);
        }
    }

    private Done commit(NodeId from, JobRef ref) {
        Pending p = pendingFrom(from, ref.getJob());
        if (p.restored == null) {
            throw new RefusedException(ref.getJob() + " was not restored here");
        }
        pending.remove(jobOf(ref.getJob()));
        try {
            p.restored.resume();
        } catch (IOException e) {
            throw new IllegalStateException("cannot resume " + ref.getJob() + ": " + e.getMessage(), e);
        } finally {
            Directories.deleteTree(p.dir);
        }
        arrived.arrived(p.offer, p.restored);
        return Done.getDefaultInstance();
    }

    private Done abort(NodeId from, Abort abort) {
        JobId job = jobOf(abort.getJob());
        Pending p = pending.get(job);
        if (p != null && p.source.equals(from)) {
            pending.remove(job);
            discard(p);
        }
        return Done.getDefaultInstance();
    }

    private static void discard(Pending p) {
        if (p.restored != null) {
            try {
                p.restored.kill();
                p.restored.awaitExit();
            } catch (IOException ignored) {
                // Already gone.
            }
        }
        Directories.deleteTree(p.dir);
    }

    private Pending pendingFrom(NodeId from, String job) {
        Pending p = pending.get(jobOf(job));
        if (p == null || !p.source.equals(from)) {
            throw new RefusedException("no accepted offer of " + job + " from " + from);
        }
        return p;
    }

    private static JobId jobOf(String value) {
        try {
            return new JobId(value);
        } catch (IllegalArgumentException e) {
            throw new RefusedException(e.getMessage());
        }
    }
}
