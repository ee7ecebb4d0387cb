package dev.ssi.daemon.host;

import com.google.protobuf.ByteString;
import dev.ssi.checkpoint.os.ExitStatus;
import dev.ssi.daemon.job.HomeLink;
import dev.ssi.daemon.job.JobId;
import dev.ssi.daemon.peer.PeerMessages.Arrived;
import dev.ssi.daemon.peer.PeerMessages.Exit;
import dev.ssi.daemon.peer.PeerMessages.Output;
import dev.ssi.daemon.peer.PeerMessages.OutputEnd;
import dev.ssi.daemon.peer.PeerProtocol;
import dev.ssi.transport.MessageType;
import dev.ssi.transport.NodeId;
import dev.ssi.transport.connection.Peer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The job runs away from home: its output and exit go home as messages, sent without waiting;
 * the outbox sends again what home does not acknowledge, and home puts chunks in order.
 */
public final class RemoteHomeLink implements HomeLink {
    private static final System.Logger LOG = System.getLogger(RemoteHomeLink.class.getName());

    private final NodeId home;
    private final Function<NodeId, CompletableFuture<Peer>> connect;

    public RemoteHomeLink(NodeId home, Function<NodeId, CompletableFuture<Peer>> connect) {
        this.home = home;
        this.connect = connect;
    }

    @Override
    public void arrived(JobId job, NodeId node, int epoch) {
        send(PeerProtocol.ARRIVED, Arrived.newBuilder().setJob(job.value()).setNode(node.value()).setEpoch(epoch).build());
    }

    @Override
    public void chunk(JobId job, int epoch, long seq, byte[] data) {
        send(PeerProtocol.OUTPUT, Output.newBuilder().setJob(job.value()).setEpoch(epoch).setSeq(seq)
                .setData(ByteString.copyFrom(data)).build());
    }

    @Override
    public void end(JobId job, int epoch, long chunks) {
        send(PeerProtocol.OUTPUT_END, OutputEnd.newBuilder().setJob(job.value()).setEpoch(epoch).setChunks(chunks).build());
    }

    @Override
    public void exited(JobId job, int epoch, ExitStatus status) {
        send(PeerProtocol.EXIT, Exit.newBuilder().setJob(job.value()).setEpoch(epoch).setCode(status.code())
                .setSignal(status.signal()).build());
    }

    private <T> void send(MessageType<T> type, T message) {
        connect.apply(home).thenCompose(peer -> peer.send(type, message)).exceptionally(failure -> {
            LOG.log(System.Logger.Level.DEBUG, "cannot reach " + home + " for now: " + failure.getMessage());
            return null;
        });
    }
}
