package dev.ssi.daemon.migration;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ssi.checkpoint.Criu;
import dev.ssi.checkpoint.CriuException;
import dev.ssi.checkpoint.os.OsException;
import dev.ssi.checkpoint.os.OwnerOnly;
import dev.ssi.daemon.job.HostedJob;
import dev.ssi.daemon.job.HostedJobs;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.JobPipes;
import dev.ssi.daemon.job.RunningJob;
import dev.ssi.daemon.journal.Directories;
import dev.ssi.daemon.journal.Journal;
import dev.ssi.daemon.journal.JournalEntries.Entry;
import dev.ssi.daemon.journal.JournalEntries.Frozen;
import dev.ssi.daemon.journal.JournalEntries.Thawed;
import dev.ssi.daemon.journal.JournalState;
import dev.ssi.daemon.peer.PeerMessages.Offer;
import dev.ssi.transport.NodeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * The jobs whose home is this node kept frozen here: checkpoints that an evacuated host sent
 * home because no node took them (MOSIX's freezing). Each is journaled, its images kept in
 * a directory of its own, until it is thawed — restored here, from where the scheduler may send
 * it on. A thaw journals the job as hosted before it resumes it, and only then forgets the
 * images, so a crash in between leaves it either frozen or running here, never both.
 */
public final class FrozenJobs {
    private static final System.Logger LOG = System.getLogger(FrozenJobs.class.getName());

    private final NodeId self;
    private final Path dir;
    private final Journal journal;
    private final Criu criu;
    private final HostedJobs hosted;
    private final MigrationTarget.Placement placement;
    private final ReceivedImages received;
    private final Map<JobId, Frozen> frozen = new ConcurrentHashMap<>();
    private volatile BiConsumer<JobId, Integer> onFrozen = (job, epoch) -> { };

    /**
     * A job kept frozen here, as the scheduler needs to know it: {@code held} by its user's
     * {@code ssi freeze}, or waiting for room.
     */
    public record FrozenJob(JobId job, int epoch, long imageBytes, boolean held) {}

    /**
     * {@code placement} puts a thawed job, still stopped, where a job at its home belongs (out of
     * the guests' cgroup); {@code received} checks the images again before CRIU restores them.
     */
    public FrozenJobs(NodeId self, Path dir, Journal journal, Criu criu, HostedJobs hosted,
            MigrationTarget.Placement placement, ReceivedImages received) throws IOException {
        this.self = self;
        this.dir = OwnerOnly.directories(dir);
        this.journal = journal;
        this.criu = criu;
        this.hosted = hosted;
        this.placement = placement;
        this.received = received;
    }

    /** Told of every job frozen here, with the epoch it will run in. */
    public void onFrozen(BiConsumer<JobId, Integer> listener) {
        onFrozen = listener;
    }

    /** Only a job's home keeps it frozen. */
    boolean mayKeep(JobId job) {
        return job.value().startsWith(self.value() + "/");
    }

    /**
     * Keeps {@code job} frozen from {@code images} (moved, not copied, into this node's frozen
     * directory), to run as {@code epoch} when it is thawed.
     */
    synchronized void keep(Offer offer, int epoch, Path images) throws IOException {
        JobId job = new JobId(offer.getJob());
        Path kept = imagesOf(job, epoch);
        if (Files.exists(images)) {
            Directories.deleteTree(kept);
            OwnerOnly.directories(kept.getParent());
            Files.move(images, kept, StandardCopyOption.ATOMIC_MOVE);
        } else if (!Files.isDirectory(kept)) {
            throw new IOException("the images of " + job + " are gone");
        }
        Frozen entry = Frozen.newBuilder().setJob(job.value()).setEpoch(epoch).setOffer(offer.toByteString())
                .setImages(kept.toString()).setImageBytes(sizeOf(kept)).setHeld(offer.getHeld()).build();
        journal.append(Entry.newBuilder().setFrozen(entry).build());
        frozen.put(job, entry);
        LOG.log(System.Logger.Level.INFO, job + " is frozen here: " + entry.getImageBytes() + " bytes of images in "
                + kept);
        onFrozen.accept(job, epoch);
    }

    public List<FrozenJob> all() {
        return frozen.values().stream().map(f -> new FrozenJob(new JobId(f.getJob()), f.getEpoch(), f.getImageBytes(),
                f.getHeld())).toList();
    }

    public boolean holds(JobId job) {
        return frozen.containsKey(job);
    }

    public boolean holds(JobId job, int epoch) {
        return Optional.ofNullable(frozen.get(job)).filter(f -> f.getEpoch() == epoch).isPresent();
    }

    /**
     * Restores a frozen job here and lets it run on; it is hosted here from then on. On failure
     * it stays frozen and the error says why.
     */
    public synchronized HostedJob thaw(JobId job) throws CriuException, IOException {
        Frozen f = frozen.get(job);
        if (f == null) {
            throw new IOException(job + " is not frozen on " + self);
        }
        Offer offer = offerOf(f);
        Path images = Path.of(f.getImages());
        Optional<String> refusal = received.refusal(offer, images);
        if (refusal.isPresent()) {
            throw new IOException(job + " stays frozen: " + refusal.get());
        }
        RunningJob running = RunningJob.restore(criu, images, images.resolveSibling("work"),
                new JobPipes(offer.getStdinKey(), offer.getStdoutKey(), offer.getStatusKey()));
        HostedJob thawed;
        try {
            placement.place(offer, running);
            thawed = hosted.host(job, self, f.getEpoch(), offer.getArgvList(), running);
        } catch (IOException | RuntimeException e) {
            running.kill();
            throw e;
        }
        running.resume();
        forget(f);
        LOG.log(System.Logger.Level.INFO, "thawed " + job + ": it runs here again");
        return thawed;
    }

    /**
     * Takes back the frozen jobs of the journal, after {@link dev.ssi.daemon.job.HostedJobs}
     * took over the hosted ones: a job hosted in its frozen epoch was being thawed when this
     * node stopped, and runs on (resumed, should it still be stopped).
     */
    public void recover(JournalState state) throws IOException {
        for (Frozen f : state.frozen().values()) {
            JobId job = new JobId(f.getJob());
            Optional<HostedJob> thawing = hosted.get(job).filter(h -> h.epoch() == f.getEpoch());
            if (thawing.isPresent()) {
                try {
                    thawing.get().running().resume();
                } catch (OsException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot resume " + job + " after its thaw: " + e.getMessage());
                }
                forget(f);
            } else {
                frozen.put(job, f);
            }
        }
    }

    private void forget(Frozen f) {
        journal.append(Entry.newBuilder().setThawed(Thawed.newBuilder().setJob(f.getJob()).setEpoch(f.getEpoch()))
                .build());
        frozen.remove(new JobId(f.getJob()));
        Directories.deleteTree(Path.of(f.getImages()).getParent());
    }

    private Path imagesOf(JobId job, int epoch) {
        return dir.resolve(job.value().replace('/', '-') + "-" + epoch).resolve("images");
    }

    private static Offer offerOf(Frozen f) throws IOException {
        try {
            return Offer.parseFrom(f.getOffer());
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("the journal's offer of frozen " + f.getJob() + " is unreadable", e);
        }
    }

    private static long sizeOf(Path images) throws IOException {
        try (Stream<Path> files = Files.list(images)) {
            return files.mapToLong(file -> file.toFile().length()).sum();
        }
    }
}
