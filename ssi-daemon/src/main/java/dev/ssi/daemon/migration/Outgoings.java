package dev.ssi.daemon.migration;

import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.journal.Journal;
import dev.ssi.daemon.journal.JournalEntries.Entry;
import dev.ssi.daemon.journal.JournalEntries.Outgoing;
import dev.ssi.daemon.peer.PeerMessages.Fate;
import dev.ssi.transport.NodeId;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each migration away from this node stands, journaled at every step, so that a
 * destination back from a crash can ask what became of a job it holds stopped, and this node,
 * back from its own, knows what to finish.
 */
public final class Outgoings {
    private final Journal journal;
    private final Map<JobId, Outgoing> latest = new ConcurrentHashMap<>();

    public Outgoings(Journal journal) {
        this.journal = journal;
    }

    /** Journals that the migration of {@code job} into {@code epoch} on {@code destination} reached {@code phase}. */
    public void record(JobId job, int epoch, NodeId destination, Outgoing.Phase phase) {
        Outgoing entry = Outgoing.newBuilder().setJob(job.value()).setEpoch(epoch).setDestination(destination.value())
                .setPhase(phase).build();
        journal.append(Entry.newBuilder().setOutgoing(entry).build());
        latest.put(job, entry);
    }

    /** Learns a migration still in flight from the journal of a previous run. */
    public void recovered(Outgoing entry) {
        latest.put(new JobId(entry.getJob()), entry);
    }

    /** The node this node offered {@code job} to, to run in {@code epoch}; empty when no such migration is on record. */
    public Optional<NodeId> destination(JobId job, int epoch) {
        return Optional.ofNullable(latest.get(job)).filter(entry -> entry.getEpoch() == epoch)
                .map(entry -> NodeId.of(entry.getDestination()));
    }

    /**
     * What the destination of {@code job}'s migration into {@code epoch} must do with its copy.
     * No record means the migration was called off (a committed one is journaled here until the
     * destination has confirmed it, after which the destination never asks).
     */
    public Fate fate(JobId job, int epoch) {
        Outgoing entry = latest.get(job);
        if (entry == null || entry.getEpoch() != epoch) {
            return Fate.newBuilder().setOutcome(Fate.Outcome.ABORT).build();
        }
        Fate.Outcome outcome = switch (entry.getPhase()) {
            case OFFERED -> Fate.Outcome.PENDING;
            case COMMITTING, DONE -> Fate.Outcome.COMMIT;
            default -> Fate.Outcome.ABORT;
        };
        return Fate.newBuilder().setOutcome(outcome).setDestination(entry.getDestination()).build();
    }
}
