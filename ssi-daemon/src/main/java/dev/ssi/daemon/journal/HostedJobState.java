package dev.ssi.daemon.journal;

import dev.ssi.daemon.journal.JournalEntries.Ended;
import dev.ssi.daemon.journal.JournalEntries.Hosted;
import java.util.Optional;
import java.util.TreeMap;

/** A job hosted here: how it was started, its output not yet acknowledged by home, its end. */
public final class HostedJobState {
    final Hosted hosted;
    final TreeMap<Long, byte[]> unacked = new TreeMap<>();
    long nextSeq;
    long ackedSeq;
    long bytesRead;
    Ended ended;

    HostedJobState(Hosted hosted) {
        this.hosted = hosted;
    }

    public Hosted hosted() {
        return hosted;
    }

    /** Chunks read here that home has not acknowledged, by sequence number. */
    public TreeMap<Long, byte[]> unacked() {
        return unacked;
    }

    /** The job's status, when it ended here (its output may still be in the pipe). */
    public Optional<Ended> endedStatus() {
        return Optional.ofNullable(ended);
    }

    /** The sequence number the next chunk read here gets. */
    public long nextSeq() {
        return nextSeq;
    }

    /** How many bytes of the epoch's output were journaled here: where the next chunk starts. */
    public long bytesRead() {
        return bytesRead;
    }
}
