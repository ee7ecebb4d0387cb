package dev.ssi.daemon.journal;

import dev.ssi.daemon.journal.JournalEntries.Acked;
import dev.ssi.daemon.journal.JournalEntries.Chunk;
import dev.ssi.daemon.journal.JournalEntries.Entry;
import dev.ssi.daemon.journal.JournalEntries.Frozen;
import dev.ssi.daemon.journal.JournalEntries.HomeDelivered;
import dev.ssi.daemon.journal.JournalEntries.HomeEpochEnd;
import dev.ssi.daemon.journal.JournalEntries.Incoming;
import dev.ssi.daemon.journal.JournalEntries.Outgoing;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a node's journal says, folded entry by entry: the jobs hosted here with the output home
 * may still lack, and the migrations still in flight. Pure: no I/O, for replay and compaction.
 */
public final class JournalState {
    private final Map<String, HostedJobState> hosted = new LinkedHashMap<>();
    private final Map<String, Outgoing> outgoing = new LinkedHashMap<>();
    private final Map<String, IncomingState> incoming = new LinkedHashMap<>();
    private long lastJobNumber;
    private final Map<String, HomeJobState> homeJobs = new LinkedHashMap<>();
    private final Map<String, Frozen> frozen = new LinkedHashMap<>();

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
            case HOME_SUBMITTED -> homeJobs.put(entry.getHomeSubmitted().getJob(), new HomeJobState(entry.getHomeSubmitted()));
            case HOME_LOCATED -> home(entry.getHomeLocated().getJob()).ifPresent(h -> h.located(entry.getHomeLocated()));
            case HOME_DELIVERED -> home(entry.getHomeDelivered().getJob()).ifPresent(h -> delivered(h, entry.getHomeDelivered()));
            case HOME_EPOCH_END -> home(entry.getHomeEpochEnd().getJob())
                    .ifPresent(h -> h.ends.put(entry.getHomeEpochEnd().getEpoch(), entry.getHomeEpochEnd().getChunks()));
            case HOME_EXIT -> home(entry.getHomeExit().getJob()).ifPresent(h -> h.exit = entry.getHomeExit());
            case HOME_RECEIVED -> home(entry.getHomeReceived().getJob()).ifPresent(h -> {
                long upTo = entry.getHomeReceived().getOffset();
                while (!h.retained.isEmpty() && h.retained.firstKey() + h.retained.firstEntry().getValue().length <= upTo) {
                    h.retained.pollFirstEntry();
                }
            });
            case HOME_CURSOR -> home(entry.getHomeCursor().getJob()).ifPresent(h -> {
                h.epoch = entry.getHomeCursor().getEpoch();
                h.nextSeq = entry.getHomeCursor().getNextSeq();
                h.offset = entry.getHomeCursor().getOffset();
            });
            case HOME_DONE -> homeJobs.remove(entry.getHomeDone().getJob());
            case FROZEN -> frozen.put(entry.getFrozen().getJob(), entry.getFrozen());
            case THAWED -> {
                Frozen f = frozen.get(entry.getThawed().getJob());
                if (f != null && f.getEpoch() == entry.getThawed().getEpoch()) {
                    frozen.remove(f.getJob());
                }
            }
            case KIND_NOT_SET -> throw new IllegalArgumentException("a journal entry of no kind");
        }
    }

    /** The job {@code entry} is about, if any. */
    static Optional<String> jobOf(Entry entry) {
        String job = switch (entry.getKindCase()) {
            case HOSTED -> entry.getHosted().getJob();
            case CHUNK -> entry.getChunk().getJob();
            case ACKED -> entry.getAcked().getJob();
            case ENDED -> entry.getEnded().getJob();
            case OUTGOING -> entry.getOutgoing().getJob();
            case INCOMING -> entry.getIncoming().getJob();
            case FORGOTTEN -> entry.getForgotten().getJob();
            case HOME_SUBMITTED -> entry.getHomeSubmitted().getJob();
            case HOME_LOCATED -> entry.getHomeLocated().getJob();
            case HOME_DELIVERED -> entry.getHomeDelivered().getJob();
            case HOME_EPOCH_END -> entry.getHomeEpochEnd().getJob();
            case HOME_EXIT -> entry.getHomeExit().getJob();
            case HOME_RECEIVED -> entry.getHomeReceived().getJob();
            case HOME_CURSOR -> entry.getHomeCursor().getJob();
            case HOME_DONE -> entry.getHomeDone().getJob();
            case FROZEN -> entry.getFrozen().getJob();
            case THAWED -> entry.getThawed().getJob();
            case SUBMITTED, KIND_NOT_SET -> "";
        };
        return job.isEmpty() ? Optional.empty() : Optional.of(job);
    }

    /**
     * The job of {@code entry} when, applied now, it would find nothing of its job to apply to:
     * the entry that began its story is not in this state. After a skipped entry, such a job is
     * one the journal cannot account for. (Some arrive late in the ordinary course too, an
     * acknowledgement after the job was forgotten, say: this is asked only after a skip.)
     */
    Optional<String> unaccountable(Entry entry) {
        boolean known = switch (entry.getKindCase()) {
            case HOSTED, SUBMITTED, HOME_SUBMITTED, FROZEN, KIND_NOT_SET -> true;
            case CHUNK -> ofEpoch(entry.getChunk().getJob(), entry.getChunk().getEpoch()).isPresent();
            case ACKED -> ofEpoch(entry.getAcked().getJob(), entry.getAcked().getEpoch()).isPresent();
            case ENDED -> ofEpoch(entry.getEnded().getJob(), entry.getEnded().getEpoch()).isPresent();
            case FORGOTTEN -> ofEpoch(entry.getForgotten().getJob(), entry.getForgotten().getEpoch()).isPresent();
            case OUTGOING -> entry.getOutgoing().getPhase() == Outgoing.Phase.OFFERED
                    ? hosted.containsKey(entry.getOutgoing().getJob())
                    : outgoing.containsKey(entry.getOutgoing().getJob());
            case INCOMING -> entry.getIncoming().getPhase() == Incoming.Phase.ACCEPTED
                    || incoming.containsKey(entry.getIncoming().getJob());
            case HOME_LOCATED, HOME_DELIVERED, HOME_EPOCH_END, HOME_EXIT, HOME_RECEIVED, HOME_CURSOR, HOME_DONE ->
                    jobOf(entry).map(homeJobs::containsKey).orElse(true);
            case THAWED -> frozen.containsKey(entry.getThawed().getJob());
        };
        return known ? Optional.empty() : jobOf(entry);
    }

    private static void delivered(HomeJobState h, HomeDelivered d) {
        h.retained.put(d.getOffset(), d.getData().toByteArray());
        h.epoch = d.getEpoch();
        h.nextSeq = d.getSeq() + 1;
        h.offset = Math.max(h.offset, d.getOffset() + d.getData().size());
    }

    private Optional<HomeJobState> home(String job) {
        return Optional.ofNullable(homeJobs.get(job));
    }

    private void chunk(Chunk c) {
        ofEpoch(c.getJob(), c.getEpoch()).ifPresent(h -> {
            if (c.getSeq() >= h.ackedSeq) {
                h.unacked.put(c.getSeq(), c.getData().toByteArray());
            }
            h.nextSeq = Math.max(h.nextSeq, c.getSeq() + 1);
            h.bytesRead = Math.max(h.bytesRead, c.getOffset() + c.getData().size());
        });
    }

    private void acked(Acked a) {
        ofEpoch(a.getJob(), a.getEpoch()).ifPresent(h -> {
            h.ackedSeq = Math.max(h.ackedSeq, a.getNextSeq());
            h.unacked.headMap(h.ackedSeq).clear();
            h.nextSeq = Math.max(h.nextSeq, h.ackedSeq);
            h.bytesRead = Math.max(h.bytesRead, a.getBytesRead());
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

    /** The jobs whose home is here and whose ssi-run has not had their end yet. */
    public Map<String, HomeJobState> homeJobs() {
        return homeJobs;
    }

    /** The jobs whose home is here kept frozen on disk here, until a node takes them. */
    public Map<String, Frozen> frozen() {
        return frozen;
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
            live.add(Entry.newBuilder().setAcked(Acked.newBuilder().setJob(job).setEpoch(epoch).setNextSeq(h.ackedSeq)
                    .setBytesRead(h.bytesRead)).build());
            h.unacked.forEach((seq, data) -> live.add(Entry.newBuilder().setChunk(Chunk.newBuilder().setJob(job)
                    .setEpoch(epoch).setSeq(seq).setData(com.google.protobuf.ByteString.copyFrom(data))).build()));
            if (h.ended != null) {
                live.add(Entry.newBuilder().setEnded(h.ended).build());
            }
        });
        outgoing.values().forEach(o -> live.add(Entry.newBuilder().setOutgoing(o).build()));
        homeJobs.values().forEach(h -> {
            String job = h.submitted.getJob();
            live.add(Entry.newBuilder().setHomeSubmitted(h.submitted).build());
            h.locations().forEach(l -> live.add(Entry.newBuilder().setHomeLocated(l).build()));
            h.retained.forEach((offset, data) -> live.add(Entry.newBuilder().setHomeDelivered(HomeDelivered.newBuilder()
                    .setJob(job).setOffset(offset).setData(com.google.protobuf.ByteString.copyFrom(data))).build()));
            live.add(Entry.newBuilder().setHomeCursor(JournalEntries.HomeCursor.newBuilder().setJob(job).setEpoch(h.epoch)
                    .setNextSeq(h.nextSeq).setOffset(h.offset)).build());
            h.ends.forEach((epoch, chunks) -> live.add(Entry.newBuilder().setHomeEpochEnd(HomeEpochEnd.newBuilder()
                    .setJob(job).setEpoch(epoch).setChunks(chunks)).build()));
            if (h.exit != null) {
                live.add(Entry.newBuilder().setHomeExit(h.exit).build());
            }
        });
        frozen.values().forEach(f -> live.add(Entry.newBuilder().setFrozen(f).build()));
        incoming.values().forEach(i -> {
            live.add(Entry.newBuilder().setIncoming(i.accepted()).build());
            i.restored().ifPresent(r -> live.add(Entry.newBuilder().setIncoming(r).build()));
        });
        return live;
    }
}
