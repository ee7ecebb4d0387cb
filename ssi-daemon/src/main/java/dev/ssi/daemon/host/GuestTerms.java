package dev.ssi.daemon.host;

import dev.ssi.daemon.confine.Confinement;
import dev.ssi.daemon.confine.GuestsConfig;
import dev.ssi.daemon.job.JobHere;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.RunningJob;
import dev.ssi.daemon.peer.PeerMessages.Offer;
import dev.ssi.transport.NodeId;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The host owner's terms for guests: which offered jobs this node takes, where a job restored
 * here is put (a guest into the guests' cgroup, at their nice level), and how the terms are shown
 * and changed live. Jobs coming home are always taken, and never confined as guests.
 */
final class GuestTerms {
    private static final System.Logger LOG = System.getLogger(GuestTerms.class.getName());

    private final NodeId self;
    private final Confinement confinement;
    private volatile Predicate<JobId> admitsGuest = job -> true;

    GuestTerms(NodeId self, Confinement confinement) {
        this.self = self;
        this.confinement = confinement;
    }

    GuestsConfig terms() {
        return confinement.terms();
    }

    void admitOnlyIf(Predicate<JobId> rule) {
        admitsGuest = rule;
    }

    /** Why this node does not take an offered job with {@code guests} already here or coming; empty when it does. */
    Optional<String> refusal(Offer offer, int guests) {
        JobId job = new JobId(offer.getJob());
        if (NodeId.of(offer.getHome()).equals(self)) {
            return Optional.empty();
        }
        String user = offer.getUser().isEmpty() ? "unknown" : offer.getUser();
        return confinement.terms().refusal(self.value(), user, guests)
                .or(() -> admitsGuest.test(job) ? Optional.empty()
                        : Optional.of(self + " is reclaimed by its owner: it takes no guests now"));
    }

    void place(Offer offer, RunningJob restored) throws IOException {
        if (NodeId.of(offer.getHome()).equals(self)) {
            confinement.home(restored.root());
        } else {
            confinement.guest(restored.root());
        }
    }

    /** Guests taken over after a restart get this start's terms (a change made live before it is gone). */
    void confine(List<JobHere> hosted) {
        for (JobHere job : guests(hosted)) {
            try {
                confinement.guest(job.root());
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot hold guest " + job.job() + " to this host's terms: "
                        + e.getMessage());
            }
        }
    }

    /** {@code ssi host}: the terms for guests, and their cgroup. */
    Map<String, Object> describe(int guests) {
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("node", self.value());
        shown.put("guests", guests);
        shown.putAll(confinement.describe());
        return shown;
    }

    /** Changes the terms now, for the guests among {@code hosted} too; a bad change names its key and changes nothing. */
    void change(Map<String, String> changes, List<JobHere> hosted) {
        confinement.change(changes, guests(hosted).stream().map(JobHere::root).toList());
    }

    private List<JobHere> guests(List<JobHere> hosted) {
        return hosted.stream().filter(h -> !h.home().equals(self) && h.root() > 0).toList();
    }
}
