package dev.ssi.daemon.migration;

import dev.ssi.checkpoint.Criu;
import dev.ssi.checkpoint.CriuException;
import dev.ssi.checkpoint.DumpSpec;
import dev.ssi.checkpoint.os.OsException;
import dev.ssi.daemon.job.HostedJob;
import dev.ssi.daemon.job.JobPipes;
import dev.ssi.daemon.journal.CrashPoints;
import dev.ssi.daemon.journal.Directories;
import dev.ssi.daemon.journal.JournalEntries.Outgoing.Phase;
import dev.ssi.daemon.peer.PeerMessages.Abort;
import dev.ssi.daemon.peer.PeerMessages.JobRef;
import dev.ssi.daemon.peer.PeerMessages.Moved;
import dev.ssi.daemon.peer.PeerMessages.Offer;
import dev.ssi.daemon.peer.PeerProtocol;
import dev.ssi.transport.connection.Peer;
import dev.ssi.transport.RefusedException;
import dev.ssi.transport.connection.Peer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The sending half of a migration: offer → dump (left stopped, images streamed as CRIU writes
 * them) → restore there (stopped) → kill the original here → commit. Every step is journaled first.
 * Before the commit point (COMMITTING in the journal) any failure resumes the original and tells
 * the destination to discard what it has; after it, the destination's copy is the job, and
 * COMMIT is repeated until the destination confirms.
 */
public final class MigrationSource {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration CONFIRM_WAIT = Duration.ofSeconds(10);

    private final Criu criu;
    private final Path outgoingDir;
    private final byte[] cpuinfo;
    private final Outgoings outgoings;
    private final Committer committer;

    public MigrationSource(Criu criu, Path outgoingDir, byte[] cpuinfo, Outgoings outgoings, Committer committer) {
        this.criu = criu;
        this.outgoingDir = outgoingDir;
        this.cpuinfo = cpuinfo.clone();
        this.outgoings = outgoings;
        this.committer = committer;
    }

    /** What the destination does with the job. */
    public enum Landing {
        /** Runs it. */
        RUN,
        /** Keeps it frozen (it is the job's home) until a node takes it. */
        FREEZE,
        /** Keeps it frozen (it is the job's home) until its user thaws it. */
        HOLD
    }

    /**
     * Moves {@code job} to {@code peer}, to run there or to be kept frozen there (the job's home);
     * on return the job is no longer here, and runs there (or soon will), or is kept there.
     */
    public Moved migrate(HostedJob job, Peer peer, Landing landing) throws MigrationException {
        long start = System.nanoTime();
        int epoch = job.epoch() + 1;
        String where = job.id() + " to " + peer.id();
        outgoings.record(job.id(), epoch, peer.id(), Phase.OFFERED);
        CrashPoints.reach("source.offering");
        try {
            await(peer.call(PeerProtocol.OFFER, offer(job).toBuilder()
                    .setFreeze(landing != Landing.RUN).setHeld(landing == Landing.HOLD).build(), CALL_TIMEOUT),
                    "offer of " + where);
        } catch (MigrationException e) {
            outgoings.record(job.id(), epoch, peer.id(), Phase.ABORTED);
            throw e;
        }
        CrashPoints.reach("source.accepted");
        Path dir = outgoingDir.resolve(job.id().value().replace('/', '-') + "-" + job.epoch());
        Path images = dir.resolve("images");
        try {
            long frozen = System.nanoTime();
            dumpStreaming(job, peer, epoch, images, dir.resolve("work"));
            long imageBytes = sizeOf(images);
            CrashPoints.reach("source.streamed");
            restoreThere(job, peer, epoch);
            CrashPoints.reach("source.restored");
            outgoings.record(job.id(), epoch, peer.id(), Phase.COMMITTING);
            CrashPoints.reach("source.committing");
            try {
                job.leave();
            } catch (OsException e) {
                outgoings.record(job.id(), epoch, peer.id(), Phase.ABORTED);
                throw abortAndResume(job, peer, epoch, new MigrationException("cannot stop the original of " + job.id(), e));
            }
            CrashPoints.reach("source.killed");
            boolean confirmed = awaitConfirmation(committer.commit(job.id(), epoch, peer.id()));
            long resumed = System.nanoTime();
            return Moved.newBuilder().setJob(job.id().value()).setDestination(peer.id().value())
                    .setTotalMicros((resumed - start) / 1000).setFrozenMicros((resumed - frozen) / 1000)
                    .setImageBytes(imageBytes).setAwaitingConfirmation(!confirmed).setEpoch(epoch).build();
        } finally {
            Directories.deleteTree(dir);
        }
    }

    private static boolean awaitConfirmation(java.util.concurrent.CompletableFuture<Void> confirmed) {
        try {
            confirmed.get(CONFIRM_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void dumpStreaming(HostedJob job, Peer peer, int epoch, Path images, Path work) throws MigrationException {
        try {
            DumpLock.holding(() -> StreamedDump.run(criu, DumpSpec.of(job.running().root(), images, work).leaveStopped(),
                    peer, job.id().value(), STREAM_TIMEOUT));
        } catch (CriuException | IOException e) {
            outgoings.record(job.id(), epoch, peer.id(), Phase.ABORTED);
            abortQuietly(peer, job, epoch, e.getMessage());
            throw new MigrationException("dump of " + job.id() + " failed; it runs on here", e);
        }
    }

    private void restoreThere(HostedJob job, Peer peer, int epoch) throws MigrationException {
        try {
            await(peer.call(PeerProtocol.RESTORE, ref(job, epoch), CALL_TIMEOUT), "restore of " + job.id() + " on " + peer.id());
        } catch (MigrationException e) {
            outgoings.record(job.id(), epoch, peer.id(), Phase.ABORTED);
            throw abortAndResume(job, peer, epoch, e);
        }
    }

    private static MigrationException abortAndResume(HostedJob job, Peer peer, int epoch, MigrationException cause) {
        abortQuietly(peer, job, epoch, cause.getMessage());
        try {
            job.running().resume();
        } catch (OsException e) {
            cause.addSuppressed(e);
        }
        return cause;
    }

    private static void abortQuietly(Peer peer, HostedJob job, int epoch, String reason) {
        try {
            peer.call(PeerProtocol.ABORT, Abort.newBuilder().setJob(job.id().value()).setEpoch(epoch).setReason(reason)
                    .build(), CALL_TIMEOUT).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // The destination is gone or confused: whatever it holds was never committed, and it asks before it acts.
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
        JobPipes pipes = job.running().pipes();
        return Offer.newBuilder().setJob(job.id().value()).setHome(job.home().value()).setEpoch(job.epoch())
                .addAllArgv(job.argv()).setStdinKey(pipes.stdin()).setStdoutKey(pipes.stdout())
                .setStatusKey(pipes.status()).setUser(job.running().user()).setImageBytes(job.running().residentBytes()).addAllOpenFiles(job.running().openFiles())
                .setCpuinfo(com.google.protobuf.ByteString.copyFrom(cpuinfo)).build();
    }

    private static JobRef ref(HostedJob job, int epoch) {
        return JobRef.newBuilder().setJob(job.id().value()).setEpoch(epoch).build();
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
