package dev.ssi.guest;

import java.util.regex.Pattern;

/**
 * The guest's network card: none, QEMU's user-mode network (outbound only), or a tap device the
 * host has already joined to its bridge ({@code tap:IFNAME}). The MAC address comes from the
 * guest's name, so a migrated guest keeps it.
 */
public record GuestNic(String kind, String tap) {
    public static final GuestNic NONE = new GuestNic("none", "");
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    public GuestNic {
        boolean ok = switch (kind) {
            case "none", "user" -> tap.isEmpty();
            case "tap" -> IFNAME.matcher(tap).matches();
            default -> false;
        };
        if (!ok) {
            throw new GuestException("a network card is none, user or tap:IFNAME, not " + kind
                    + (tap.isEmpty() ? "" : ":" + tap));
        }
    }

    public static GuestNic parse(String text) {
        String[] parts = text.split(":", 2);
        return new GuestNic(parts[0], parts.length == 2 ? parts[1] : "");
    }

    @Override
    public String toString() {
        return tap.isEmpty() ? kind : kind + ":" + tap;
    }
}
