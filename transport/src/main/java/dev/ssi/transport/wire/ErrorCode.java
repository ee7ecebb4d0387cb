package dev.ssi.transport.wire;

/** Why a request failed, as carried by {@link Frame.ErrorReply}. */
public enum ErrorCode {
    REFUSED(1),
    FAILED(2);

    private final int wire;

    ErrorCode(int wire) {
        this.wire = wire;
    }

    int wire() {
        return wire;
    }

    static ErrorCode fromWire(int value) {
        for (ErrorCode code : values()) {
            if (code.wire == value) {
                return code;
            }
        }
        throw new MalformedFrameException("unknown error code " + value);
    }
}
