package dev.ssi.transport;

/** A kind of request/response call: its name on the wire and the codecs of both halves. */
public record CallType<Q, R>(String name, Codec<Q> requestCodec, Codec<R> responseCodec) {
    public CallType {
        TypeNames.requireValid(name);
    }
}
