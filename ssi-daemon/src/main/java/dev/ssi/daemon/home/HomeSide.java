package dev.ssi.daemon.home;

import dev.ssi.checkpoint.CriuException;
import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.daemon.directory.PeerDirectory;
import dev.ssi.daemon.host.HostSide;
import dev.ssi.daemon.job.HomeLink;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.JobSpec;
import dev.ssi.daemon.job.Outbox;
import dev.ssi.daemon.job.Owner;
import dev.ssi.daemon.job.RunningJob;
import dev.ssi.daemon.journal.Journal;
import dev.ssi.daemon.journal.JournalEntries.Entry;
import dev.ssi.daemon.journal.JournalEntries.HomeDone;
import dev.ssi.daemon.journal.JournalEntries.Submitted;
import dev.ssi.daemon.journal.JournalState;
import dev.ssi.daemon.migration.FrozenJobs;
import dev.ssi.daemon.migration.MigrationException;
import dev.ssi.daemon.peer.HomeBound;
import dev.ssi.daemon.peer.PeerMessages.Move;
import dev.ssi.daemon.peer.PeerMessages.Moved;
import dev.ssi.daemon.peer.PeerMessages.OutputAck;
import dev.ssi.daemon.peer.PeerMessages.Signal;
import dev.ssi.daemon.peer.PeerProtocol;
import dev.ssi.daemon.peer.PeerRefusal;
import dev.ssi.transport.NodeId;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The home of jobs (HTCondor's schedd): what this node owes the jobs submitted here wherever they
 * run — their spec and user, their output and exit status for their ssi-run, where they are, and
 * their user's signals, moves, freezes and thaws. It accepts only home-bound messages.
 *
 * <p>Near 400 lines, on purpose: a job's output is {@link HomeOutput}'s (its spool
 * {@link HomeSpools}') and its record {@link HomeJob}'s already; what is left is the one map of homed jobs and the operations on it
 * that the control server and the peers call. Taking the user's operations (signal, move,
 * freeze, thaw) out would put a second owner on that map and one more hop between the command
 * line and the job, for some 80 lines.
 */
public final class HomeSide implements HomeBound.Receiver {
    /** How long a restarted home waits for a job's ssi-run to attach again. */
    private static final Duration REATTACH_WINDOW = Duration.ofMinutes(5);
    private static final Duration MOVE_TIMEOUT = Duration.ofMinutes(10);
    private static final int SIGHUP = 1;

    private final PeerDirectory directory;
    private final Journal journal;
    private final HostSide host;
    private final FrozenJobs frozen;
    private final ScheduledExecutorService timer;
    private final HomeSpools spools;
    private final Map<JobId, HomeJob> homed = new ConcurrentHashMap<>();
    private final Holders holders;
    private final AtomicLong jobNumbers = new AtomicLong();

    /** Each job's output waits for its ssi-run in a spool file under {@code spools}, at most {@code spoolLimit} of it. */
    public HomeSide(PeerDirectory directory, Journal journal, HostSide host, ScheduledExecutorService timer, Path spools,
            SpoolLimit spoolLimit) throws IOException {
        this.directory = directory;
        this.journal = journal;
        this.host = host;
        this.frozen = host.frozenJobs();
        this.timer = timer;
        this.spools = new HomeSpools(spools, spoolLimit, journal);
        this.holders = new Holders(directory.self(), directory, host::fate);
        frozen.onFrozen((job, epoch) -> Optional.ofNullable(homed.get(job))
                .ifPresent(home -> home.arrived(self(), epoch, Instant.now())));
    }

    private NodeId self() {
        return directory.self();
    }

    /**
     * Takes back the jobs whose home was here before a restart, their output spooled again from
     * the journal; those whose ssi-run does not come back are hung up on. Spools of jobs it
     * forgot go.
     */
    public void recover(JournalState replayed) throws IOException {
        jobNumbers.set(replayed.lastJobNumber());
        for (var state : replayed.homeJobs().values()) {
            JobId id = new JobId(state.submitted().getJob());
            HomeJob job = HomeJob.restored(journal, state, self(), spools.restore(id, state));
            homed.put(job.id(), job);
            timer.schedule(() -> hangUpIfUnattended(job), REATTACH_WINDOW.toSeconds(), TimeUnit.SECONDS);
        }
        spools.keepOnly(homed.keySet());
    }

    /** A job whose ssi-run did not come back after this node restarted is hung up on, as a terminal's would be. */
    private void hangUpIfUnattended(HomeJob job) {
        if (!job.output().isAttached() && homed.containsKey(job.id())) {
            forgetOnceEndedIfUnattended(job);
            try {
                signal(job.id(), SIGHUP);
            } catch (IOException | RuntimeException e) {
                // It is beyond reach; its end still comes home and is forgotten then.
            }
        }
    }

    /**
     * A job no ssi-run has attached to since the reattach window began: its output is let go of
     * as it comes (so the job is not held up by a reader that never returns), and once it has
     * ended it is forgotten, unless an ssi-run has attached meanwhile.
     */
    private void forgetOnceEndedIfUnattended(HomeJob job) {
        if (job.output().isAttached() || !homed.containsKey(job.id())) {
            return;
        }
        job.output().letGoUnread();
        job.output().exit().thenRun(() -> {
            if (!job.output().isAttached()) {
                done(job.id());
            }
        });
    }

    /** Whether {@code job}, whose home is here, runs on {@code node} as far as this home knows (not frozen here). */
    public boolean runsOn(JobId job, NodeId node) {
        HomeJob home = homed.get(job);
        return home != null && home.where().equals(node) && !frozen.holds(job);
    }

    /** The owner of {@code job}, whose home is here, as this home recorded it; empty for a job it does not know. */
    public Optional<Owner> ownerOf(JobId job) {
        return Optional.ofNullable(homed.get(job)).map(HomeJob::owner);
    }

    /** The way from this node's host to this home, for the jobs that run at home: acknowledged through {@code outbox}. */
    public HomeLink localLink(Outbox outbox) {
        return new LocalHomeLink(homed, outbox);
    }

    /**
     * This home's one entry for what the nodes its jobs run on send it; output and exit are
     * acknowledged. Each is taken only from the node this home knows holds the job in the epoch
     * the message names ({@link Holders}); anything else is dropped, and logged.
     */
    @Override
    public void accept(NodeId from, HomeBound message) {
        JobId id = new JobId(message.job());
        HomeJob job = homed.get(id);
        int epoch = epochOf(message);
        if (job == null) {
            // Forgotten (its ssi-run had its end): the sender may let go of it, whoever it is.
            acknowledge(from, id, epoch);
            return;
        }
        holders.of(job, epoch).thenAccept(holder -> {
            if (holder.filter(from::equals).isEmpty()) {
                PeerRefusal.of(from, message.getClass().getSimpleName(), id.value(), holder
                        .map(node -> "epoch " + epoch + " is held by " + node)
                        .orElse("this home does not know " + from + " to hold it in epoch " + epoch));
                return;
            }
            take(from, job, epoch, message);
        });
    }

    private static int epochOf(HomeBound message) {
        if (message instanceof HomeBound.Output m) {
            return m.message().getEpoch();
        } else if (message instanceof HomeBound.OutputEnd m) {
            return m.message().getEpoch();
        } else if (message instanceof HomeBound.Exit m) {
            return m.message().getEpoch();
        } else if (message instanceof HomeBound.Arrived m) {
            return m.message().getEpoch();
        }
        throw new IllegalArgumentException("not a home-bound message: " + message);
    }

    private void take(NodeId from, HomeJob job, int epoch, HomeBound message) {
        if (message instanceof HomeBound.Arrived) {
            job.arrived(from, epoch, Instant.now());
            return;
        }
        if (message instanceof HomeBound.Output m) {
            job.output().chunk(epoch, m.message().getSeq(), m.message().getData().toByteArray());
        } else if (message instanceof HomeBound.OutputEnd m) {
            job.output().end(epoch, m.message().getChunks());
        } else if (message instanceof HomeBound.Exit m) {
            job.output().exited(epoch, m.message().getSignal() != 0 ? ExitStatus.killedBy(m.message().getSignal())
                    : ExitStatus.exited(m.message().getCode()));
        }
        acknowledge(from, job.id(), epoch);
    }

    /** What home has of the job's output; a job home has forgotten (its ssi-run has had its end) is all home. */
    private void acknowledge(NodeId host, JobId job, int epoch) {
        HomeJob home = homed.get(job);
        HomeOutput.Ack ack = home == null ? new HomeOutput.Ack(Long.MAX_VALUE, true, true, Long.MAX_VALUE)
                : home.output().ack(epoch);
        directory.send(host, PeerProtocol.OUTPUT_ACK, OutputAck.newBuilder().setJob(job.value()).setEpoch(epoch)
                .setNextSeq(ack.nextSeq()).setEndSeen(ack.endSeen()).setExitSeen(ack.exitSeen()).setRoom(ack.room()).build())
                .exceptionally(failure -> null); // The host sends it again.
    }

    /** Starts a job here, its home, as {@code owner}; its output waits for an ssi-run to {@link #attach}. */
    public JobId submit(JobSpec spec, Owner owner) throws IOException {
        long number = jobNumbers.incrementAndGet();
        journal.append(Entry.newBuilder().setSubmitted(Submitted.newBuilder().setNumber(number)).build());
        JobId job = JobId.of(self().value(), number);
        HomeOutput output = spools.create(job);
        RunningJob running;
        try {
            running = host.launch(spec, owner);
        } catch (IOException | RuntimeException e) {
            output.close();
            throw e;
        }
        homed.put(job, HomeJob.submitted(journal, job, spec.argv(), owner, self(), Instant.now(), output));
        host.hostOwn(job, spec.argv(), running);
        return job;
    }

    /** Starts a job here, its home, with its output going to {@code out}, a stream that never blocks, from the start. */
    public JobId submit(JobSpec spec, Owner owner, OutputStream out) throws IOException {
        JobId job = submit(spec, owner);
        attach(job, owner, out, 0);
        return job;
    }

    /**
     * {@code user}'s ssi-run takes a job's output from byte {@code from} on, at its own pace, as
     * {@code reader} — at the start, or again after this node restarted; it reads from the output
     * returned. Another user's job is refused.
     */
    public HomeOutput attach(JobId job, Owner user, OutputReader reader, long from) throws IOException {
        HomeOutput output = homeOutputFor(job, user);
        output.attach(reader, from);
        return output;
    }

    /** As the other {@code attach}, for a reader in this process whose stream never blocks. */
    public void attach(JobId job, Owner user, OutputStream out, long from) throws IOException {
        HomeOutput output = homeOutputFor(job, user);
        output.attach(new StreamReader(output, out, from), from);
    }

    private HomeOutput homeOutputFor(JobId job, Owner user) throws IOException {
        HomeJob home = homeJob(job);
        if (!user.mayActOn(home.owner())) {
            throw new IOException("attach refused: " + job + " is " + home.user() + "'s, not " + user.name() + "'s");
        }
        return home.output();
    }

    /**
     * The ssi-run attached as {@code reader} has gone: the job's output is kept for another to
     * attach, and if none has once the job has ended, it is forgotten.
     */
    public void detach(JobId job, OutputReader reader) {
        Optional.ofNullable(homed.get(job)).ifPresent(h -> {
            h.output().detach(reader);
            timer.schedule(() -> forgetOnceEndedIfUnattended(h), REATTACH_WINDOW.toSeconds(), TimeUnit.SECONDS);
        });
    }

    /** The job's ssi-run has its exit status: home forgets the job. */
    public void done(JobId job) {
        HomeJob gone = homed.remove(job);
        if (gone != null) {
            journal.append(Entry.newBuilder().setHomeDone(HomeDone.newBuilder().setJob(job.value())).build());
            gone.output().close();
        }
    }

    /** Completes with the job's exit status once all its output has been delivered. */
    public CompletableFuture<ExitStatus> exitOf(JobId job) {
        HomeJob home = homed.get(job);
        if (home == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no job " + job + " has its home here"));
        }
        return home.output().exit();
    }

    /** The jobs whose home is here, running or not yet reported ended. */
    public List<HomeJob> homeJobs() {
        return homed.values().stream().filter(j -> !j.output().exit().isDone())
                .sorted(Comparator.comparing(HomeJob::submitted)).toList();
    }

    /** The job whose home is here, or an error naming it. */
    public HomeJob homeJob(JobId job) {
        HomeJob home = homed.get(job);
        if (home == null) {
            throw new IllegalArgumentException("no job " + job + " has its home on " + self());
        }
        return home;
    }

    /**
     * Sends a user's signal to a job whose home is here, wherever it runs. A signal that meets
     * the job in mid-migration is lost.
     */
    public void signal(JobId job, int signal) throws IOException {
        if (frozen.holds(job)) {
            thaw(job);
        }
        NodeId where = homeJob(job).where();
        if (where.equals(self())) {
            host.signalHere(job, signal);
            return;
        }
        try {
            directory.send(where, PeerProtocol.SIGNAL, Signal.newBuilder().setJob(job.value()).setSignal(signal).build())
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("cannot reach " + where + " to signal " + job + ": " + e.getMessage(), e);
        }
    }

    /** Moves a job whose home is here to {@code destination}, asking the node it runs on if that is not here. */
    public Moved move(JobId job, NodeId destination) throws MigrationException {
        HomeJob home = homeJob(job);
        if (frozen.holds(job)) {
            try {
                thaw(job);
            } catch (IOException e) {
                throw new MigrationException(e.getMessage(), e);
            }
            if (destination.equals(self())) {
                return Moved.newBuilder().setJob(job.value()).setDestination(self().value()).setEpoch(home.migrations())
                        .build();
            }
        }
        NodeId where = home.where();
        Moved moved = where.equals(self()) ? host.migrate(job, destination)
                : ask(where, Move.newBuilder().setJob(job.value()).setDestination(destination.value()).build(),
                        "moving " + job + " from " + where + " to " + destination);
        home.arrived(NodeId.of(moved.getDestination()), moved.getEpoch(), Instant.now());
        return moved;
    }

    /**
     * {@code ssi freeze}: a job whose home is here, running on another node, is sent home and
     * kept frozen here until {@code ssi thaw} (MOSIX's {@code migrate PID freeze}, HTCondor's
     * hold). On failure it runs on where it was and the error says why.
     */
    public Moved freeze(JobId job) throws MigrationException {
        HomeJob home = homeJob(job);
        if (frozen.holds(job)) {
            throw new MigrationException(job + " is frozen already");
        }
        NodeId where = home.where();
        if (where.equals(self())) {
            throw new MigrationException(job + " runs on its home " + self() + ": only a job running elsewhere is frozen");
        }
        return ask(where, Move.newBuilder().setJob(job.value()).setFreeze(true).build(),
                "freezing " + job + " from " + where);
    }

    private Moved ask(NodeId where, Move move, String what) throws MigrationException {
        try {
            return directory.call(where, PeerProtocol.MOVE, move, MOVE_TIMEOUT).get();
        } catch (ExecutionException e) {
            throw new MigrationException(what + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException("interrupted while " + what);
        }
    }

    /** The jobs whose home is here kept frozen here, until a node has room for them. */
    public List<FrozenJobs.FrozenJob> frozen() {
        return frozen.all();
    }

    /** Whether {@code job}, whose home is here, is kept frozen here. */
    public boolean isFrozen(JobId job) {
        return frozen.holds(job);
    }

    /**
     * Restores a job frozen here: it runs here from now on (and may be moved on). On failure it
     * stays frozen and the error says why.
     */
    public void thaw(JobId job) throws IOException {
        try {
            frozen.thaw(job);
        } catch (CriuException e) {
            throw new IOException("cannot thaw " + job + ": " + e.getMessage(), e);
        }
    }
}
