package dev.ssi.daemon.journal;

import dev.ssi.daemon.journal.JournalEntries.HomeExit;
import dev.ssi.daemon.journal.JournalEntries.HomeLocated;
import dev.ssi.daemon.journal.JournalEntries.HomeSubmitted;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A job whose home is here: what it is, where it runs, and what of its output ssi-run may lack. */
public final class HomeJobState {
    final HomeSubmitted submitted;
    final TreeMap<Integer, HomeLocated> locations = new TreeMap<>();
    int epoch;
    long nextSeq;
    long offset;
    final TreeMap<Long, byte[]> retained = new TreeMap<>();
    final Map<Integer, Long> ends = new LinkedHashMap<>();
    HomeExit exit;

    HomeJobState(HomeSubmitted submitted) {
        this.submitted = submitted;
    }

    public HomeSubmitted submitted() {
        return submitted;
    }

    /** Where the job runs now: the latest place journaled. */
    public Optional<HomeLocated> located() {
        return Optional.ofNullable(locations.lastEntry()).map(Map.Entry::getValue);
    }

    /**
     * The places that still matter, by epoch: the holder of each epoch whose output may still
     * come (from the epoch delivery goes on from), and the latest.
     */
    public Collection<HomeLocated> locations() {
        return located().map(latest -> locations.tailMap(Math.min(epoch, latest.getEpoch()), true).values())
                .orElse(List.of());
    }

    void located(HomeLocated entry) {
        locations.put(entry.getEpoch(), entry);
    }


    /** The epoch and chunk delivery goes on from, and the byte offset of that chunk. */
    public int epoch() {
        return epoch;
    }

    public long nextSeq() {
        return nextSeq;
    }

    public long offset() {
        return offset;
    }

    /** Output delivered that the job's ssi-run may not have, by offset. */
    public TreeMap<Long, byte[]> retained() {
        return retained;
    }

    public Map<Integer, Long> ends() {
        return ends;
    }

    public Optional<HomeExit> exit() {
        return Optional.ofNullable(exit);
    }
}
