package dev.ssi.daemon.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.checkpoint.Criu;
import dev.ssi.checkpoint.DumpSpec;
import dev.ssi.daemon.LoopbackNodes;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.JobSpec;
import dev.ssi.daemon.job.Owner;
import dev.ssi.daemon.job.RunningJob;
import dev.ssi.daemon.peer.PeerMessages.Offer;
import dev.ssi.transport.NodeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The images of a real job of root's, dumped by real CRIU, as node h1 judges them: a guest's
 * against the account its offer's user has here, a job whose home is h1 against the owner its
 * home recorded.
 */
@Timeout(60)
class ReceivedImagesTest {
    private static final Path SHIM = LoopbackNodes.BIN.resolve("ssi-init");
    private static final Owner ALICE = new Owner("alice", 1001, 1001, List.of(1001));

    @TempDir
    static Path dumped;

    @BeforeAll
    static void dumpARealJobOfRoots() throws Exception {
        RunningJob job = RunningJob.launch(SHIM, new JobSpec(List.of("sleep", "600"), Map.of(), dumped, 022), Owner.ROOT);
        try {
            Criu.locate().dump(DumpSpec.of(job.root(), dumped.resolve("img"), dumped.resolve("work")));
        } finally {
            job.kill();
        }
    }

    @Test
    void aGuestsImagesMustRunAsTheAccountItsOffersUserHasHere() {
        Owner nobody = Owner.account("nobody").orElseThrow();
        assertEquals(Optional.of("task 2 runs as uid 0, the job's owner is nobody (" + nobody.uid() + ")"),
                h1(Map.of()).refusal(offer("ws/1", "nobody"), images()));
        assertEquals(Optional.empty(), h1(Map.of()).refusal(offer("ws/1", "root"), images()));
    }

    @Test
    void aJobComingHomeMustRunAsTheOwnerItsHomeRecorded() {
        Offer comingHome = offer("h1/1", "root");
        assertEquals(Optional.of("task 2 runs as uid 0, the job's owner is alice (1001)"),
                h1(Map.of(new JobId("h1/1"), ALICE)).refusal(comingHome, images()), "whatever the offer says");
        assertEquals(Optional.empty(), h1(Map.of(new JobId("h1/1"), Owner.ROOT)).refusal(comingHome, images()));
    }

    @Test
    void anOwnerThisNodeCannotTellIsRefusedBeforeAnythingFreezes() {
        assertEquals(Optional.of("user no-such-user has no account on h1"),
                h1(Map.of()).ownerRefusal(offer("ws/1", "no-such-user")));
        assertEquals(Optional.of("the offer of ws/1 names no user"), h1(Map.of()).ownerRefusal(offer("ws/1", "")));
        assertEquals(Optional.of("its home, h1, has no owner on record for h1/2"),
                h1(Map.of()).ownerRefusal(offer("h1/2", "root")));
        assertEquals(Optional.empty(), h1(Map.of()).ownerRefusal(offer("ws/1", "nobody")));
    }

    @Test
    void imagesThatCannotBeReadOrRunAnotherInitAreRefused(@TempDir Path tmp) throws Exception {
        Path images = Files.createDirectory(tmp.resolve("img"));
        for (String name : List.of("pstree.img", "core-1.img", "core-2.img", "mm-1.img", "files.img")) {
            Files.copy(images().resolve(name), images.resolve(name));
        }
        assertEquals(Optional.empty(), h1(Map.of()).refusal(offer("ws/1", "root"), images));
        Optional<String> elsewhere = new ReceivedImages(NodeId.of("h1"), job -> Optional.empty(), Path.of("/bin/true"))
                .refusal(offer("ws/1", "root"), images);
        assertTrue(elsewhere.orElseThrow().startsWith("the job's pid 1 runs " + SHIM.toRealPath()
                + ", not this node's ssi-init, /usr/bin/true"), elsewhere.get());

        byte[] core = Files.readAllBytes(images.resolve("core-2.img"));
        Files.write(images.resolve("core-2.img"), Arrays.copyOf(core, core.length - 1));
        Optional<String> refusal = h1(Map.of()).refusal(offer("ws/1", "root"), images);
        assertTrue(refusal.orElseThrow().startsWith("its images cannot be read: core-2.img ends within"), refusal.get());
    }

    private static ReceivedImages h1(Map<JobId, Owner> recorded) {
        return new ReceivedImages(NodeId.of("h1"), job -> Optional.ofNullable(recorded.get(job)), SHIM);
    }

    private static Offer offer(String job, String user) {
        return Offer.newBuilder().setJob(job).setHome(new JobId(job).home().value()).addArgv("sleep").setUser(user)
                .build();
    }

    private static Path images() {
        return dumped.resolve("img");
    }
}
