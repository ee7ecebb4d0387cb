package dev.ssi.daemon.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssi.daemon.control.ControlFrame.Payload;
import dev.ssi.daemon.control.ControlFrame.Type;
import dev.ssi.daemon.home.HomeJob;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.job.Owner;
import dev.ssi.daemon.migration.MigrationException;
import dev.ssi.daemon.node.Node;
import dev.ssi.daemon.peer.PeerMessages.Moved;
import dev.ssi.transport.NodeId;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One local client's request: an ssi-run submitting a job or attaching to it again (once the job
 * is started or found, its connection goes to the {@link AttachedClients} loop, which sends the
 * job's output and exit status and takes its signals), or an ssi admin request.
 */
final class ControlSession implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SocketChannel channel;
    private final Node node;
    private final PoolControls pool;
    private final Owner user;
    private final Admins admins;
    private final AttachedClients attached;

    ControlSession(SocketChannel channel, Node node, PoolControls pool, Owner user, Admins admins,
            AttachedClients attached) {
        this.channel = channel;
        this.node = node;
        this.pool = pool;
        this.user = user;
        this.admins = admins;
        this.attached = attached;
    }

    @Override
    public void run() {
        boolean handedOver = false;
        try {
            DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(ChannelStreams.input(channel)));
            DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(ChannelStreams.output(channel)));
            ControlFrame request = ControlFrame.read(in);
            if (request == null) {
                return;
            }
            try {
                handedOver = answer(request, in, out);
            } catch (IOException | RuntimeException | MigrationException e) {
                ControlFrame.of(Type.ERROR, new Payload().string(String.valueOf(e.getMessage()))).writeTo(out);
            }
        } catch (IOException e) {
            // The client went away; nothing was half-done on its behalf.
        } finally {
            if (!handedOver) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // Closed either way.
                }
            }
        }
    }

    /** Answers {@code request}; true when the connection went to the attached clients' loop. */
    private boolean answer(ControlFrame request, DataInputStream in, DataOutputStream out)
            throws IOException, MigrationException {
        var r = request.reader();
        switch (request.type()) {
            case SUBMIT, ATTACH -> {
                if (!attached.reserve()) {
                    throw new IOException("ssid serves at most " + AttachedClients.MAX_ATTACHED
                            + " ssi-runs at once; try again once some have finished");
                }
                try {
                    JobId job = request.type() == Type.SUBMIT ? node.home().submit(SubmitFrame.read(r), user)
                            : ownJob("attach", r.string());
                    serve(job, request.type() == Type.SUBMIT ? 0 : r.u64(), in, out);
                    return true;
                } catch (IOException | RuntimeException e) {
                    attached.release();
                    throw e;
                }
            }
            case PS -> reply(out, jobs());
            case NODES -> reply(out, pool.nodes());
            case DRAIN -> {
                boolean drain = r.u32() != 0;
                requireAdmin(drain ? "drain" : "undrain");
                reply(out, pool.drain(drain));
            }
            case HOST -> reply(out, host(r));
            case MIGRATE -> {
                JobId job = ownJob("migrate", r.string());
                reply(out, movedReport(node.home().move(job, NodeId.of(r.string()))));
            }
            case FREEZE -> reply(out, movedReport(node.home().freeze(ownJob("freeze", r.string()))));
            case THAW -> {
                JobId job = ownJob("thaw", r.string());
                node.home().thaw(job);
                reply(out, describe(node.home().homeJob(job)));
            }
            case KILL -> {
                JobId job = ownJob("kill", r.string());
                node.home().signal(job, 9);
                reply(out, Map.of("job", job.value(), "killed", true));
            }
            default -> throw new IOException("unexpected " + request.type() + " request");
        }
        return false;
    }

    /**
     * An ssi-run's job, its output from byte {@code from} on (0 for a job just submitted, more for
     * an ssi-run attaching again after its home ssid restarted): once STARTED is said, the
     * connection is the attached clients' loop's, with whatever the client sent after its request.
     */
    private void serve(JobId job, long from, DataInputStream in, DataOutputStream out) throws IOException {
        ControlFrame.of(Type.STARTED, new Payload().string(job.value())).writeTo(out);
        attached.attach(channel, job, user, from, in.readNBytes(in.available()));
    }

    /**
     * {@code ssi host}: no changes shows the terms for guests and the reclaim rules; {@code ssi
     * host set} sends KEY, VALUE pairs. A bad one names its key, and nothing changes.
     */
    private Map<String, Object> host(ControlFrame.Payload.Reader r) throws IOException {
        int count = r.u32();
        if (count > 0) {
            requireAdmin("host set");
        }
        Map<String, String> guests = new LinkedHashMap<>();
        Map<String, String> reclaim = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String key = r.string();
            (key.startsWith("reclaim.") ? reclaim : guests).put(key, r.string());
        }
        if (!reclaim.isEmpty()) {
            pool.checkReclaim(reclaim);
        }
        Map<String, Object> shown = new LinkedHashMap<>(guests.isEmpty() ? node.host().hostPolicy() : node.host().changeHostPolicy(guests));
        if (!reclaim.isEmpty()) {
            pool.changeReclaim(reclaim);
        }
        shown.putAll(pool.reclaimSettings());
        return shown;
    }

    private static Map<String, Object> movedReport(Moved moved) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("job", moved.getJob());
        report.put("where", moved.getDestination());
        report.put("total_ms", moved.getTotalMicros() / 1000.0);
        report.put("frozen_ms", moved.getFrozenMicros() / 1000.0);
        report.put("image_bytes", moved.getImageBytes());
        report.put("awaiting_confirmation", moved.getAwaitingConfirmation());
        return report;
    }

    /** The jobs this user may see: their own, or all of them for root. */
    private List<Map<String, Object>> jobs() {
        return node.home().homeJobs().stream().filter(j -> user.mayActOn(j.owner())).map(this::describe).toList();
    }

    /** {@code value} as a job id, when the job is this user's (or the user is root); refused otherwise. */
    private JobId ownJob(String action, String value) throws IOException {
        JobId job = jobId(value);
        HomeJob home = node.home().homeJob(job);
        if (!user.mayActOn(home.owner())) {
            throw new IOException(action + " refused: " + job + " is " + home.user() + "'s, and " + user.name()
                    + " may act only on their own jobs");
        }
        return job;
    }

    private void requireAdmin(String action) throws IOException {
        if (!admins.include(user)) {
            throw new IOException(action + " refused: it belongs to " + admins.who() + ", not " + user.name());
        }
    }

    private Map<String, Object> describe(HomeJob j) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", j.id().value());
        m.put("user", j.user());
        m.put("command", String.join(" ", j.argv()));
        m.put("where", j.where().value());
        m.put("state", node.home().isFrozen(j.id()) ? "frozen" : "running");
        m.put("since", j.since().toString());
        m.put("migrations", j.migrations());
        m.put("pinned", node.host().pinnedBecause(j.id()).orElse(""));
        return m;
    }

    private static JobId jobId(String value) throws IOException {
        try {
            return new JobId(value);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage());
        }
    }

    private static void reply(DataOutputStream out, Object body) throws IOException {
        ControlFrame.of(Type.REPLY, new Payload().string(JSON.writeValueAsString(body))).writeTo(out);
    }
}
