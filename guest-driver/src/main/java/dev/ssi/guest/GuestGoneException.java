package dev.ssi.guest;

/** A guest is recorded on this host but its QEMU has ended without the driver (a crash, a kill). */
public final class GuestGoneException extends GuestException {
    private static final long serialVersionUID = 1L;

    GuestGoneException(String message) {
        super(message);
    }
}
