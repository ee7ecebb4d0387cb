package dev.ssi.transport;

/** A kind of one-way message (gossip, load reports): its name on the wire and its codec. */
public record MessageType<T>(String name, Codec<T> codec) {
    public MessageType {
        TypeNames.requireValid(name);
    }
}
