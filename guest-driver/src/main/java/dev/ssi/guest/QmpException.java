package dev.ssi.guest;

/** QEMU answered a QMP command with an error; the message is QEMU's own. */
public final class QmpException extends GuestException {
    private static final long serialVersionUID = 1L;

    private final String errorClass;

    QmpException(String command, String errorClass, String description) {
        super("QEMU refused '" + command + "': " + description + " (" + errorClass + ")");
        this.errorClass = errorClass;
    }

    /** QMP's error class, e.g. {@code GenericError} or {@code CommandNotFound}. */
    public String errorClass() {
        return errorClass;
    }
}
