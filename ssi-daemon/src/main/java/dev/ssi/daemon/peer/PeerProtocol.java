package dev.ssi.daemon.peer;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.ssi.daemon.peer.PeerMessages.Abort;
import dev.ssi.daemon.peer.PeerMessages.Arrived;
import dev.ssi.daemon.peer.PeerMessages.Done;
import dev.ssi.daemon.peer.PeerMessages.Exit;
import dev.ssi.daemon.peer.PeerMessages.Fate;
import dev.ssi.daemon.peer.PeerMessages.JobRef;
import dev.ssi.daemon.peer.PeerMessages.Move;
import dev.ssi.daemon.peer.PeerMessages.Moved;
import dev.ssi.daemon.peer.PeerMessages.Offer;
import dev.ssi.daemon.peer.PeerMessages.Output;
import dev.ssi.daemon.peer.PeerMessages.OutputAck;
import dev.ssi.daemon.peer.PeerMessages.OutputEnd;
import dev.ssi.daemon.peer.PeerMessages.Restored;
import dev.ssi.daemon.peer.PeerMessages.Signal;
import dev.ssi.transport.CallType;
import dev.ssi.transport.Codec;
import dev.ssi.transport.MessageType;

/** The calls and messages of migration and of output going home, with their protobuf codecs. */
public final class PeerProtocol {
    public static final CallType<Offer, Done> OFFER = call("job.offer", Offer.parser(), Done.parser());
    public static final CallType<JobRef, Restored> RESTORE = call("job.restore", JobRef.parser(), Restored.parser());
    public static final CallType<JobRef, Done> COMMIT = call("job.commit", JobRef.parser(), Done.parser());
    public static final CallType<Abort, Done> ABORT = call("job.abort", Abort.parser(), Done.parser());
    public static final CallType<JobRef, Fate> FATE = call("job.fate", JobRef.parser(), Fate.parser());
    public static final CallType<Move, Moved> MOVE = call("job.move", Move.parser(), Moved.parser());
    public static final MessageType<Output> OUTPUT = new MessageType<>("job.output", codec(Output.parser()));
    public static final MessageType<OutputEnd> OUTPUT_END = new MessageType<>("job.output-end", codec(OutputEnd.parser()));
    public static final MessageType<OutputAck> OUTPUT_ACK = new MessageType<>("job.output-ack", codec(OutputAck.parser()));
    public static final MessageType<Exit> EXIT = new MessageType<>("job.exit", codec(Exit.parser()));
    public static final MessageType<Arrived> ARRIVED = new MessageType<>("job.arrived", codec(Arrived.parser()));
    public static final MessageType<Signal> SIGNAL = new MessageType<>("job.signal", codec(Signal.parser()));

    private PeerProtocol() {}

    private static <Q extends MessageLite, R extends MessageLite> CallType<Q, R> call(String name, Parser<Q> request,
            Parser<R> response) {
        return new CallType<>(name, codec(request), codec(response));
    }

    /** A protobuf message type as a transport codec; bytes that do not parse are an IllegalArgumentException. */
    public static <T extends MessageLite> Codec<T> codec(Parser<T> parser) {
        return new Codec<>() {
            @Override
            public byte[] encode(T value) {
                return value.toByteArray();
            }

            @Override
            public T decode(byte[] bytes) {
                try {
                    return parser.parseFrom(bytes);
                } catch (InvalidProtocolBufferException e) {
                    throw new IllegalArgumentException("malformed message: " + e.getMessage(), e);
                }
            }
        };
    }
}
