package dev.ssi.daemon.home;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.Owner;
import dev.ssi.daemon.journal.Journal;
import dev.ssi.daemon.peer.PeerCalls;
import dev.ssi.daemon.peer.PeerMessages.Fate;
import dev.ssi.daemon.peer.PeerMessages.JobRef;
import dev.ssi.transport.CallType;
import dev.ssi.transport.NodeId;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HoldersTest {
    private static final NodeId WS = NodeId.of("ws");
    private static final NodeId H1 = NodeId.of("h1");
    private static final NodeId H2 = NodeId.of("h2");
    private static final JobId JOB = JobId.of("ws", 1);

    @TempDir
    Path state;
    private Journal journal;
    private HomeJob job;
    /** What each node answers FATE with, by node and epoch asked. */
    private final Map<String, Fate> answers = new HashMap<>();
    private final List<String> asked = new ArrayList<>();
    private Holders holders;

    @BeforeEach
    void homeOfOneJob() throws Exception {
        journal = Journal.open(state);
        job = new HomeJob(journal, JOB, List.of("true"), new Owner("alice", 1000, 1000, List.of(1000)), WS, Instant.now(), HomeOutput.create(JOB, journal, state.resolve("spool"), SpoolLimit.DEFAULT));
        PeerCalls peers = new PeerCalls() {
            @Override
            @SuppressWarnings("unchecked")
            public <Q, R> CompletableFuture<R> call(NodeId node, CallType<Q, R> type, Q request, Duration timeout) {
                int epoch = ((JobRef) request).getEpoch();
                asked.add(node + "@" + epoch);
                Fate answer = answers.get(node + "@" + epoch);
                return answer == null ? CompletableFuture.failedFuture(new IllegalStateException("unreachable"))
                        : CompletableFuture.completedFuture((R) answer);
            }
        };
        holders = new Holders(WS, peers, (j, epoch) -> answers.getOrDefault("ws@" + epoch, abort()));
    }

    @AfterEach
    void close() throws Exception {
        journal.close();
    }

    private static Fate committed(NodeId to) {
        return Fate.newBuilder().setOutcome(Fate.Outcome.COMMIT).setDestination(to.value()).build();
    }

    private static Fate abort() {
        return Fate.newBuilder().setOutcome(Fate.Outcome.ABORT).build();
    }

    private Optional<NodeId> holderOf(int epoch) throws Exception {
        return holders.of(job, epoch).get();
    }

    @Test
    void aJobStartsHeldByItsHome() throws Exception {
        assertEquals(Optional.of(WS), holderOf(0));
        assertEquals(List.of(), asked);
    }

    @Test
    void eachEpochsHolderIsLearntFromTheHolderOfTheEpochBeforeNeverFromTheClaimant() throws Exception {
        answers.put("ws@1", committed(H1));
        answers.put("h1@2", committed(H2));

        assertEquals(Optional.of(H2), holderOf(2), "ws moved it to h1, h1 to h2");
        assertEquals(Optional.of(H1), holderOf(1));
        assertEquals(H2, job.where());
        assertEquals(List.of("h1@2"), asked);
    }

    @Test
    void aMoveTheHolderBeforeDidNotCommitTeachesNothing() throws Exception {
        answers.put("ws@1", abort());

        assertEquals(Optional.empty(), holderOf(1));
        assertEquals(WS, job.where());
    }

    @Test
    void anUnreachablePreviousHolderTeachesNothingAndIsAskedAgainLater() throws Exception {
        answers.put("ws@1", committed(H1));

        assertEquals(Optional.empty(), holderOf(2));
        answers.put("h1@2", committed(H2));
        assertEquals(Optional.of(H2), holderOf(2));
    }

    @Test
    void anEpochFarBeyondWhatHomeKnowsIsNotFollowed() throws Exception {
        assertEquals(Optional.empty(), holderOf(Holders.MAX_AHEAD + 1));
        assertEquals(Optional.empty(), holderOf(Integer.MAX_VALUE));
        assertEquals(List.of(), asked);
    }
}
