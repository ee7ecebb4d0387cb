package dev.ssi.scheduler.sim;

import dev.ssi.scheduler.CpuShares;
import dev.ssi.scheduler.GuestOffer;
import dev.ssi.scheduler.Health;
import dev.ssi.scheduler.LoadVector;
import dev.ssi.scheduler.NodeName;
import dev.ssi.scheduler.gossip.GossipWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** One simulated machine: its jobs, owner and gossip window; it runs jobs by {@link CpuShares}. */
final class SimNode {
    /** How much slower everything runs while a node's jobs need more memory than it has. */
    static final double SWAPPING_SLOWDOWN = 10;
    static final int MAX_GUEST_JOBS = 10;
    static final long GUEST_MEMORY_LIMIT = 4L << 30;

    final Trace.Node spec;
    final NodeName id;
    final GossipWindow window;
    final List<SimJob> running = new ArrayList<>();
    final List<SimJob> frozen = new ArrayList<>();
    final double guestCpusWhileOwnerActive;
    boolean ownerPresent;
    boolean evacuatesOnReclaim;
    int inbound;
    long inboundMemory;
    double lastAdvance;
    long version;

    SimNode(Trace.Node spec, NodeName id, GossipWindow window, double guestCpusWhileOwnerActive) {
        this.spec = spec;
        this.id = id;
        this.window = window;
        this.guestCpusWhileOwnerActive = guestCpusWhileOwnerActive;
    }

    /** A workstation's owner is always at it; a host's comes and goes. */
    boolean ownerActive() {
        return spec.workstation() || ownerPresent;
    }

    boolean reclaiming() {
        return !spec.workstation() && ownerPresent && evacuatesOnReclaim;
    }

    /** The node as it reports itself: guests on their way in count, to keep caps exact. */
    LoadVector vector() {
        return vector(inbound, inboundMemory);
    }

    /** The node as its CPUs see it: only the jobs running now. */
    LoadVector runningVector() {
        return vector(0, 0);
    }

    double rate(SimJob job, CpuShares shares) {
        double rate = job.isGuestOn(this) ? shares.perGuestJob() : shares.perHomeJob();
        return usedMemory(0) > spec.memoryBytes() ? rate / SWAPPING_SLOWDOWN : rate;
    }

    private LoadVector vector(int extraGuests, long extraMemory) {
        int home = 0;
        for (SimJob job : running) {
            if (!job.isGuestOn(this)) {
                home++;
            }
        }
        GuestOffer offer = new GuestOffer(!ownerActive(), MAX_GUEST_JOBS, guestCpusWhileOwnerActive,
                GUEST_MEMORY_LIMIT, Set.of());
        long free = Math.max(0, spec.memoryBytes() - usedMemory(extraMemory));
        return new LoadVector(id, spec.cpus(), spec.speed(), home, running.size() - home + extraGuests, 0,
                ownerActive(), free, spec.memoryBytes(), offer, Health.OK);
    }

    private long usedMemory(long extra) {
        long used = extra;
        for (SimJob job : running) {
            used += job.memory();
        }
        return used;
    }
}
