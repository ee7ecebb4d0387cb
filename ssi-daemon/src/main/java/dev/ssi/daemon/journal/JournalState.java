package dev.ssi.daemon.journal;

import dev.ssi.daemon.journal.JournalEntries.Acked;
import dev.ssi.daemon.journal.JournalEntries.Chunk;
import dev.ssi.daemon.journal.JournalEntries.Ended;
import dev.ssi.daemon.journal.JournalEntries.Entry;
import dev.ssi.daemon.journal.JournalEntries.Hosted;
import dev.ssi.daemon.journal.JournalEntries.Incoming;
import dev.ssi.daemon.journal.JournalEntries.Outgoing;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a node's journal says, folded entry by entry: the jobs hosted here with the output home
 * may still lack, and the migrations still in flight. Pure: no I/O, for replay and compaction.
 */
public final class JournalState {
    private final Map<String, HostedJobState> hosted = new LinkedHashMap<>();
    private final Map<String, Outgoing> outgoing = new LinkedHashMap<>();
    private final Map<String, IncomingState> incoming = new LinkedHashMap<>();
    private long lastJobNumber;

    /** A job hosted here: how it was started, its output not yet acknowledged by home, its end. */
    public static final class HostedJobState {
        private final Hosted hosted;
        private final TreeMap<Long, byte[]> unacked = new TreeMap<>();
        private long nextSeq;
        private long ackedSeq;
        private Ended ended;

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
    }

    /** A migration to this node: the offer as accepted, and how far it got. */
    public record IncomingState(Incoming accepted, Optional<Incoming> restored) {}

    public void apply(Entry entry) {
        switch (entry.getKindCase()) {
            case HOSTED -> hosted.put(entry.getHosted().getJob(), new HostedJobState(entry.getHosted()));
            case CHUNK -> chunk(entry.getChunk());
            case ACKED -> acked(entry.getAcked());
            case ENDED -> ofEpoch(entry.getEnded().getJob(), entry.getEnded().getEpoch()).ifPresent(h -> h.ended = entry.getEnded());
            case FORGOTTEN -> ofEpoch(entry.getForgotten().getJob(), entry.getForgotten().getEpoch())
                    .ifPresent(h -> hosted.remove(entry.getForgotten().getJob()));
            case OUTGOING -> outgoing(entry.getOutgoing());
            case INCOMING -> incoming(entry.getIncoming());
            case SUBMITTED -> lastJobNumber = Math.max(lastJobNumber, entry.getSubmitted().getNumber());
            case KIND_NOT_SET -> throw new IllegalArgumentException("a journal entry of no kind");
        }
    }

    private void chunk(Chunk c) {
        ofEpoch(c.getJob(), c.getEpoch()).ifPresent(h -> {
            if (c.getSeq() >= h.ackedSeq) {
                h.unacked.put(c.getSeq(), c.getData().toByteArray());
            }
            h.nextSeq = Math.max(h.nextSeq, c.getSeq() + 1);
        });
    }

    private void acked(Acked a) {
        ofEpoch(a.getJob(), a.getEpoch()).ifPresent(h -> {
            h.ackedSeq = Math.max(h.ackedSeq, a.getNextSeq());
            h.unacked.headMap(h.ackedSeq).clear();
            h.nextSeq = Math.max(h.nextSeq, h.ackedSeq);
        });
    }

    private void outgoing(Outgoing o) {
        switch (o.getPhase()) {
            case OFFERED, COMMITTING -> outgoing.put(o.getJob(), o);
            default -> outgoing.remove(o.getJob());
        }
    }

    private void incoming(Incoming i) {
        switch (i.getPhase()) {
            case ACCEPTED -> incoming.put(i.getJob(), new IncomingState(i, Optional.empty()));
            case RESTORED -> {
                IncomingState accepted = incoming.get(i.getJob());
                if (accepted != null && accepted.accepted().getEpoch() == i.getEpoch()) {
                    incoming.put(i.getJob(), new IncomingState(accepted.accepted(), Optional.of(i)));
                }
            }
            default -> incoming.remove(i.getJob());
        }
    }

    private Optional<HostedJobState> ofEpoch(String job, int epoch) {
        return Optional.ofNullable(hosted.get(job)).filter(h -> h.hosted.getEpoch() == epoch);
    }

    /** The jobs the journal says run here (or ended here with their end not yet home). */
    public Map<String, HostedJobState> hosted() {
        return hosted;
    }

    /** Migrations away from here that neither finished nor were called off. */
    public Map<String, Outgoing> outgoing() {
        return outgoing;
    }

    /** Migrations to here that were neither committed nor discarded. */
    public Map<String, IncomingState> incoming() {
        return incoming;
    }

    /** The highest number a job submitted here was given. */
    public long lastJobNumber() {
        return lastJobNumber;
    }

    /** The entries that rebuild this state and nothing else, for a compacted journal. */
    public List<Entry> live() {
        List<Entry> live = new ArrayList<>();
        live.add(Entry.newBuilder().setSubmitted(JournalEntries.Submitted.newBuilder().setNumber(lastJobNumber)).build());
        hosted.values().forEach(h -> {
            live.add(Entry.newBuilder().setHosted(h.hosted).build());
            String job = h.hosted.getJob();
            int epoch = h.hosted.getEpoch();
            live.add(Entry.newBuilder().setAcked(Acked.newBuilder().setJob(job).setEpoch(epoch).setNextSeq(h.ackedSeq)).build());
            h.unacked.forEach((seq, data) -> live.add(Entry.newBuilder().setChunk(Chunk.newBuilder().setJob(job)
                    .setEpoch(epoch).setSeq(seq).setData(com.google.protobuf.ByteString.copyFrom(data))).build()));
            if (h.ended != null) {
                live.add(Entry.newBuilder().setEnded(h.ended).build());
            }
        });
        outgoing.values().forEach(o -> live.add(Entry.newBuilder().setOutgoing(o).build()));
        incoming.values().forEach(i -> {
            live.add(Entry.newBuilder().setIncoming(i.accepted()).build());
            i.restored().ifPresent(r -> live.add(Entry.newBuilder().setIncoming(r).build()));
        });
        return live;
    }
}
