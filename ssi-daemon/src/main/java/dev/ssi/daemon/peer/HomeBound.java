package dev.ssi.daemon.peer;

import dev.ssi.transport.NodeId;
import dev.ssi.transport.connection.TransportNode;

/**
 * What a home receives from the nodes its jobs run on: their output, its end, their exit status
 * and where they run now. All one-way; the home answers output with an OUTPUT_ACK.
 */
public sealed interface HomeBound {
    /** The job it is about, as the wire spells it. */
    String job();

    record Output(PeerMessages.Output message) implements HomeBound {
        @Override
        public String job() {
            return message.getJob();
        }
    }

    record OutputEnd(PeerMessages.OutputEnd message) implements HomeBound {
        @Override
        public String job() {
            return message.getJob();
        }
    }

    record Exit(PeerMessages.Exit message) implements HomeBound {
        @Override
        public String job() {
            return message.getJob();
        }
    }

    record Arrived(PeerMessages.Arrived message) implements HomeBound {
        @Override
        public String job() {
            return message.getJob();
        }
    }

    /** The home role's one entry for what peers send it: where a check of the sender's role belongs. */
    @FunctionalInterface
    interface Receiver {
        void accept(NodeId from, HomeBound message);
    }

    /** Hands every home-bound message {@code transport} receives to {@code home}. */
    static void register(TransportNode transport, Receiver home) {
        transport.onMessage(PeerProtocol.OUTPUT, (from, m) -> home.accept(from, new Output(m)));
        transport.onMessage(PeerProtocol.OUTPUT_END, (from, m) -> home.accept(from, new OutputEnd(m)));
        transport.onMessage(PeerProtocol.EXIT, (from, m) -> home.accept(from, new Exit(m)));
        transport.onMessage(PeerProtocol.ARRIVED, (from, m) -> home.accept(from, new Arrived(m)));
    }
}
