package dev.ssi.daemon.migration;

import dev.ssi.checkpoint.Criu;
import dev.ssi.daemon.Directories;
import dev.ssi.checkpoint.CriuException;
import dev.ssi.checkpoint.DumpSpec;
import dev.ssi.checkpoint.os.OsException;
import dev.ssi.daemon.job.HostedJob;
import dev.ssi.daemon.migration.PeerMessages.Abort;
import dev.ssi.daemon.migration.PeerMessages.JobRef;
import dev.ssi.daemon.migration.PeerMessages.Moved;
import dev.ssi.daemon.migration.PeerMessages.Offer;
import dev.ssi.transport.Peer;
import dev.ssi.transport.RefusedException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The sending half of a migration: offer → dump (left stopped, images streamed as CRIU writes them)
 * → restore there (stopped) → kill the original here → commit. Before the original is killed,
 * any failure resumes it and tells the destination to discard what it has.
 */
public final class MigrationSource {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(10);

    private final Criu criu;
    private final Path outgoing;
    private final byte[] cpuinfo;

    public MigrationSource(Criu criu, Path outgoing, byte[] cpuinfo) {
        this.criu = criu;
        this.outgoing = outgoing;
        this.cpuinfo = cpuinfo.clone();
    }

    /** Moves {@code job} to {@code peer}; on return the job runs there and no longer here. */
    public Moved migrate(HostedJob job, Peer peer) throws MigrationException {
        long start = System.nanoTime();
        String where = job.id() + " to " + peer.id();
        await(peer.call(PeerProtocol.OFFER, offer(job), CALL_TIMEOUT), "offer of " + where);
        Path dir = outgoing.resolve(job.id().value().replace('/', '-') + "-" + job.epoch());
        Path images = dir.resolve("images");
        try {
            long frozen = System.nanoTime();
            dumpStreaming(job, peer, images, dir.resolve("work"));
            long imageBytes = sizeOf(images);
            restoreThere(job, peer);
            try {
                job.leave();
            } catch (OsException e) {
                throw abortAndResume(job, peer, new MigrationException("cannot stop the original of " + job.id(), e));
            }
            await(peer.call(PeerProtocol.COMMIT, ref(job), CALL_TIMEOUT), "commit of " + where);
            long resumed = System.nanoTime();
            return Moved.newBuilder().setJob(job.id().value()).setDestination(peer.id().value())
                    .setTotalMicros((resumed - start) / 1000).setFrozenMicros((resumed - frozen) / 1000)
                    .setImageBytes(imageBytes).build();
        } finally {
            Directories.deleteTree(dir);
        }
    }

    private void dumpStreaming(HostedJob job, Peer peer, Path images, Path work) throws MigrationException {
        try {
            StreamedDump.run(criu, DumpSpec.of(job.running().root(), images, work).leaveStopped(), peer,
                    job.id().value(), STREAM_TIMEOUT);
        } catch (CriuException | IOException e) {
            abortQuietly(peer, job, e.getMessage());
            throw new MigrationException("dump of " + job.id() + " failed; it runs on here", e);
        }
    }

    private void restoreThere(HostedJob job, Peer peer) throws MigrationException {
        try {
            await(peer.call(PeerProtocol.RESTORE, ref(job), CALL_TIMEOUT), "restore of " + job.id() + " on " + peer.id());
        } catch (MigrationException e) {
            throw abortAndResume(job, peer, e);
        }
    }

    private MigrationException abortAndResume(HostedJob job, Peer peer, MigrationException cause) {
        abortQuietly(peer, job, cause.getMessage());
        try {
            job.running().resume();
        } catch (OsException e) {
            cause.addSuppressed(e);
        }
        return cause;
    }

    private static void abortQuietly(Peer peer, HostedJob job, String reason) {
        try {
            peer.call(PeerProtocol.ABORT, Abort.newBuilder().setJob(job.id().value()).setReason(reason).build(),
                    CALL_TIMEOUT).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // The destination is gone or confused: whatever it holds was never committed.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long sizeOf(Path images) {
        try (var files = java.nio.file.Files.list(images)) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    private Offer offer(HostedJob job) {
        return Offer.newBuilder().setJob(job.id().value()).setHome(job.home().value()).setEpoch(job.epoch())
                .addAllArgv(job.argv()).setStdinKey(job.running().stdinKey()).setStdoutKey(job.running().stdoutKey())
                .addAllOpenFiles(job.running().openFiles()).setCpuinfo(com.google.protobuf.ByteString.copyFrom(cpuinfo))
                .build();
    }

    private static JobRef ref(HostedJob job) {
        return JobRef.newBuilder().setJob(job.id().value()).build();
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> call, String what) throws MigrationException {
        try {
            return call.get();
        } catch (ExecutionException e) {
            String reason = e.getCause() instanceof RefusedException ? "refused" : "failed";
            throw new MigrationException(what + " " + reason, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException(what + " interrupted");
        }
    }
}
