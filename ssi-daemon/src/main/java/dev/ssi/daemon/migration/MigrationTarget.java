package dev.ssi.daemon.migration;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import dev.ssi.checkpoint.Criu;
import dev.ssi.checkpoint.CriuException;
import dev.ssi.checkpoint.os.Descriptors;
import dev.ssi.checkpoint.os.OwnerOnly;
import dev.ssi.checkpoint.os.Processes;
import dev.ssi.daemon.job.DescriptorKeeper;
import dev.ssi.daemon.job.HostedJobs;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.RunningJob;
import dev.ssi.daemon.journal.CrashPoints;
import dev.ssi.daemon.journal.Directories;
import dev.ssi.daemon.journal.Journal;
import dev.ssi.daemon.journal.JournalEntries.Entry;
import dev.ssi.daemon.journal.JournalEntries.Incoming;
import dev.ssi.daemon.journal.JournalState.IncomingState;
import dev.ssi.daemon.peer.CallWorkers;
import dev.ssi.daemon.peer.PeerCalls;
import dev.ssi.daemon.peer.PeerMessages.Abort;
import dev.ssi.daemon.peer.PeerMessages.Done;
import dev.ssi.daemon.peer.PeerMessages.JobRef;
import dev.ssi.daemon.peer.PeerMessages.Offer;
import dev.ssi.daemon.peer.PeerMessages.Restored;
import dev.ssi.daemon.peer.PeerRefusal;
import dev.ssi.daemon.peer.TargetBound;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.RefusedException;
import dev.ssi.transport.connection.TransportNode;
import dev.ssi.transport.stream.IncomingStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/**
 * The receiving half of a migration. An offer is checked before anything freezes (files the job
 * holds open, CPU, room, the host owner's terms); the images stream into a fresh directory, and
 * are let on to CRIU only if they run as the job's owner (else the copy is discarded); the job is
 * restored stopped, placed (a guest into the guests' cgroup, at their nice level), its
 * pipes handed to the keeper; on commit it is resumed and handed to {@code arrived}; on abort
 * everything is discarded. A job sent to its home to be frozen is kept there as its images
 * ({@link FrozenJobs}) instead of being restored. Each step is journaled first. A copy left
 * waiting — its source gone quiet, or this node back from a crash — asks the source what became
 * of the job (FATE) and acts on the answer; it never resumes on its own.
 *
 * <p>The offer's checks are {@link OfferCheck}'s, the images' {@link ReceivedImages}'s, a copy's
 * state is {@link IncomingCopy}, the questioning of waiting copies is {@link WaitingCopies}'s.
 * What is left (a little over 300 lines) stays one class on purpose: accept, images, restore,
 * commit, abort, discard and recovery are the steps of one state machine over the same pending
 * copies, each guarded by the copy's lock and journaled the same way; split, the lock and the
 * journal order would be spread over classes that must still agree on them.
 */
public final class MigrationTarget implements TargetBound.Receiver {
    private static final System.Logger LOG = System.getLogger(MigrationTarget.class.getName());

    private final Criu criu;
    private final OfferCheck offers;
    private final Path incoming;
    private final CallWorkers work;
    private final Journal journal;
    private final DescriptorKeeper keeper;
    private final Placement placement;
    private final BiPredicate<JobId, Integer> runsHere;
    private final Arrival arrived;
    private final WaitingCopies waiting;
    private final FrozenJobs frozen;
    private final ReceivedImages images;
    private final Supplier<Duration> offerTimeout;
    private final Map<JobId, IncomingCopy> pending = new ConcurrentHashMap<>();

    /** Receives a committed, running job: its offer says where home is and which epoch this is. */
    @FunctionalInterface
    public interface Arrival {
        void arrived(Offer offer, RunningJob running) throws IOException;
    }

    /**
     * Why this node does not take the job {@code from} offers, with {@code alreadyComing} others
     * on their way in; empty when it does.
     */
    @FunctionalInterface
    public interface Room {
        Optional<String> refusal(NodeId from, Offer offer, int alreadyComing);
    }

    /** Puts a job just restored here, still stopped, where it belongs on this node (a guest's cgroup and nice). */
    @FunctionalInterface
    public interface Placement {
        void place(Offer offer, RunningJob restored) throws IOException;
    }

    /** What this node needs from the rest of it to take jobs in (and to keep its own jobs frozen). */
    public record Context(Journal journal, DescriptorKeeper keeper, Room room, Placement placement,
            BiPredicate<JobId, Integer> runsHere, Arrival arrived, PeerCalls peers, FrozenJobs frozen,
            ReceivedImages images, Supplier<Duration> offerTimeout) {}

    public MigrationTarget(Criu criu, Path incoming, CallWorkers work, Context context) {
        this.criu = criu;
        this.offers = new OfferCheck(criu, context.room(), context.frozen(), context.images(), incoming);
        this.incoming = incoming;
        this.work = work;
        this.journal = context.journal();
        this.keeper = context.keeper();
        this.placement = context.placement();
        this.runsHere = context.runsHere();
        this.arrived = context.arrived();
        this.waiting = new WaitingCopies(context.peers(), work, this::commit, this::discard);
        this.frozen = context.frozen();
        this.images = context.images();
        this.offerTimeout = context.offerTimeout();
    }

    /** This node's one entry for what the source of a migration sends it. */
    @Override
    public CompletableFuture<? extends MessageLite> accept(NodeId from, TargetBound message) {
        if (message instanceof TargetBound.Offer m) {
            return work.supply(() -> accept(from, m.request()));
        } else if (message instanceof TargetBound.Images m) {
            offered(m.stream());
            return CompletableFuture.completedFuture(null);
        } else if (message instanceof TargetBound.Restore m) {
            return work.supply(() -> restore(from, m.request()));
        } else if (message instanceof TargetBound.Commit m) {
            return work.supply(() -> commit(from, m.request()));
        } else if (message instanceof TargetBound.Abort m) {
            return work.supply(() -> abort(from, m.request()));
        }
        throw new IllegalArgumentException("not a target-bound message: " + message);
    }

    /** One offer at a time: the room check and taking the place are one step. */
    private synchronized Done accept(NodeId from, Offer offer) {
        JobId job = jobOf(offer.getJob());
        if (pending.containsKey(job)) {
            throw PeerRefusal.of(from, "Offer", job.value(), "it is already on its way here");
        }
        offers.check(from, job, offer, pending.size());
        IncomingCopy p = new IncomingCopy(offer, from, incoming);
        try {
            Directories.deleteTree(p.dir);
            OwnerOnly.directories(p.dir);
        } catch (IOException e) {
            throw new RefusedException("cannot make " + p.dir + ": " + e.getMessage());
        }
        record(p, Incoming.newBuilder().setPhase(Incoming.Phase.ACCEPTED).setOffer(offer.toByteString()));
        CrashPoints.reach("target.accepted");
        pending.put(job, p);
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
        IncomingCopy p = pending.get(job);
        if (p == null || !p.source.equals(stream.from())) {
            stream.refuse(PeerRefusal.of(stream.from(), "Images", job.value(), "no accepted offer of it from "
                    + stream.from()).getMessage());
            return;
        }
        p.streamBegan(System.nanoTime());
        stream.accept(p.dir.resolve("images")).whenComplete((dir, failure) -> {
            p.streamEnded(System.nanoTime());
            if (failure != null) {
                p.images.completeExceptionally(failure);
            } else {
                p.images.complete(dir);
            }
        });
    }

    private Restored restore(NodeId from, JobRef ref) {
        IncomingCopy p = pendingFrom(from, ref.getJob());
        synchronized (p) {
            try {
                Path images = p.images.get(1, TimeUnit.MINUTES);
                CrashPoints.reach("target.received");
                if (p.offer.getFreeze()) {
                    // Kept, not restored: the images are the job until it is thawed.
                    admit(p, images);
                    record(p, Incoming.newBuilder().setPhase(Incoming.Phase.RESTORED));
                    p.ready();
                    return Restored.getDefaultInstance();
                }
                restoreFrom(p, images);
                p.ready();
                CrashPoints.reach("target.restored");
                return Restored.newBuilder().setPid(p.restored.root()).build();
            } catch (RefusedException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("cannot restore " + ref.getJob() + ": " + e.getMessage(), e);
            }
        }
    }

    private void restoreFrom(IncomingCopy p, Path images) throws CriuException, IOException {
        admit(p, images);
        RunningJob restored = RunningJob.restore(criu, images, p.dir.resolve("work"), p.pipes());
        String name = HostedJobs.keeperName(p.job(), p.epoch);
        try {
            placement.place(p.offer, restored);
            keeper.hold(name, restored.descriptors());
        } catch (IOException e) {
            restored.kill();
            throw e;
        }
        p.restored = restored;
        record(p, Incoming.newBuilder().setPhase(Incoming.Phase.RESTORED).setRoot(restored.root())
                .setRootStart(restored.rootStart()).setKeeperName(name));
    }

    /**
     * Lets the images of {@code p} on only if they run as the job's owner ({@link ReceivedImages}):
     * otherwise the copy is discarded, CRIU never sees them, and the refusal is logged naming the
     * source, which resumes the original.
     */
    private void admit(IncomingCopy p, Path images) {
        Optional<String> refusal = this.images.refusal(p.offer, images);
        if (refusal.isPresent()) {
            discard(p, refusal.get());
            throw PeerRefusal.of(p.source, "Images", p.job().value(), refusal.get());
        }
    }

    private Done commit(NodeId from, JobRef ref) {
        JobId job = jobOf(ref.getJob());
        IncomingCopy p = pending.get(job);
        if (p == null && runsHere.test(job, ref.getEpoch())) {
            return Done.getDefaultInstance(); // Committed before; the source did not hear of it.
        }
        if (p == null || !p.source.equals(from) || (ref.getEpoch() != 0 && ref.getEpoch() != p.epoch)) {
            throw PeerRefusal.of(from, "Commit", job.value(), "no accepted offer of it from " + from);
        }
        synchronized (p) {
            if (pending.get(job) != p) {
                return Done.getDefaultInstance();
            }
            try {
                if (p.offer.getFreeze()) {
                    frozen.keep(p.offer, p.epoch, p.dir.resolve("images"));
                } else {
                    if (p.restored == null) {
                        // Back from a crash that took the stopped copy with it: the images are still here.
                        restoreFrom(p, p.dir.resolve("images"));
                    }
                    p.restored.resume();
                    CrashPoints.reach("target.resumed");
                    arrived.arrived(p.offer, p.restored);
                }
            } catch (CriuException | IOException e) {
                throw new IllegalStateException("cannot resume " + job + ": " + e.getMessage(), e);
            }
            record(p, Incoming.newBuilder().setPhase(Incoming.Phase.COMMITTED));
            pending.remove(job, p);
            Directories.deleteTree(p.dir);
            CrashPoints.reach("target.committed");
            return Done.getDefaultInstance();
        }
    }

    private Done abort(NodeId from, Abort abort) {
        JobId job = jobOf(abort.getJob());
        IncomingCopy p = pending.get(job);
        if (p != null && !p.source.equals(from)) {
            throw PeerRefusal.of(from, "Abort", job.value(), "only the source of its accepted offer, " + p.source
                    + ", may abort it");
        }
        if (p != null && (abort.getEpoch() == 0 || abort.getEpoch() == p.epoch)) {
            discard(p, abort.getReason());
        }
        return Done.getDefaultInstance();
    }

    private void discard(IncomingCopy p, String why) {
        synchronized (p) {
            if (!pending.remove(p.job(), p)) {
                return;
            }
            LOG.log(System.Logger.Level.INFO, "discarding the copy of " + p.job() + " from " + p.source + ": " + why);
            if (p.restored != null) {
                try {
                    p.restored.kill();
                } catch (IOException ignored) {
                    // Already gone.
                }
            }
            try {
                keeper.release(HostedJobs.keeperName(p.job(), p.epoch));
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "ssi-keeper did not release " + p.job() + ": " + e.getMessage());
            }
            record(p, Incoming.newBuilder().setPhase(Incoming.Phase.DISCARDED));
            Directories.deleteTree(p.dir);
        }
    }

    /**
     * Takes up again a migration to here that a crash of this node interrupted: a copy not yet
     * restored is discarded (its source cannot have committed it); a restored one waits, stopped,
     * for its source's word. {@code held} are the descriptors the keeper kept, by name.
     */
    public void recover(IncomingState state, Map<String, int[]> held) throws IOException {
        Offer offer;
        try {
            offer = Offer.parseFrom(state.accepted().getOffer());
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("the journal's offer of " + state.accepted().getJob() + " is unreadable", e);
        }
        IncomingCopy p = new IncomingCopy(offer, NodeId.of(state.accepted().getSource()), incoming);
        pending.put(p.job(), p);
        if (state.restored().isEmpty()) {
            discard(p, "this node restarted before the images were restored");
            return;
        }
        Incoming restored = state.restored().get();
        p.ready();
        int[] fds = held.get(restored.getKeeperName());
        if (fds != null && fds.length == 2 && Processes.isSame(restored.getRoot(), restored.getRootStart())) {
            p.restored = RunningJob.adopt(restored.getRoot(), fds[0], fds[1], offer.getStdinKey());
        } else if (fds != null) {
            Arrays.stream(fds).forEach(Descriptors::closeQuietly);
        }
        p.images.complete(p.dir.resolve("images"));
    }

    /**
     * Discards the copies that stalled, and asks the source of every other copy that has waited
     * a while what to do with it; the node's timer calls it.
     */
    public void askAboutWaitingCopies() {
        waiting.ask(pending.values(), offerTimeout.get());
    }

    private void record(IncomingCopy p, Incoming.Builder entry) {
        journal.append(Entry.newBuilder().setIncoming(entry.setJob(p.offer.getJob()).setEpoch(p.epoch)
                .setSource(p.source.value())).build());
    }

    private IncomingCopy pendingFrom(NodeId from, String job) {
        IncomingCopy p = pending.get(jobOf(job));
        if (p == null || !p.source.equals(from)) {
            throw PeerRefusal.of(from, "Restore", job, "no accepted offer of it from " + from);
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
