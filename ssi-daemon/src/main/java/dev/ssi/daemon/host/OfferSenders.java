package dev.ssi.daemon.host;

import dev.ssi.daemon.job.HostedJobs;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.migration.FrozenJobs;
import dev.ssi.daemon.peer.PeerMessages.Offer;
import dev.ssi.transport.NodeId;
import java.util.Optional;

/**
 * Whether a job may be offered here by its sender, by this node's own state: the offer names
 * the home its id names; no job of that id runs or is kept frozen here; and a job whose home is
 * here comes back only from the node its home knows it runs on. There is no shortcut for a home
 * that is this node: that is the check.
 */
final class OfferSenders {
    private final NodeId self;
    private final HostedJobs hosted;
    private final FrozenJobs frozen;
    private final HostSide.HomeView home;

    OfferSenders(NodeId self, HostedJobs hosted, FrozenJobs frozen, HostSide.HomeView home) {
        this.self = self;
        this.hosted = hosted;
        this.frozen = frozen;
        this.home = home;
    }

    /** Why the offer from {@code from} is refused; empty when its sender may make it. */
    Optional<String> refusal(NodeId from, Offer offer) {
        JobId job = new JobId(offer.getJob());
        if (!job.home().value().equals(offer.getHome())) {
            return Optional.of("it names " + offer.getHome() + " as home, but its id names " + job.home());
        }
        if (hosted.get(job).isPresent()) {
            return Optional.of(job + " already runs here");
        }
        if (frozen.holds(job)) {
            return Optional.of(job + " is kept frozen here");
        }
        if (job.home().equals(self) && !home.runsOn(job, from)) {
            return Optional.of("the home of " + job + " is here, and it does not run on " + from);
        }
        return Optional.empty();
    }
}
