package dev.ssi.transport.wire;

import io.netty.handler.codec.CorruptedFrameException;

/** A frame that cannot be decoded: the connection that sent it is closed with this reason. */
public class MalformedFrameException extends CorruptedFrameException {
    public MalformedFrameException(String message) {
        super(message);
    }
}
