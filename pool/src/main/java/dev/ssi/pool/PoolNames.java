package dev.ssi.pool;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every name a pool uses, derived from its number: the id {@code p3}, the subnet 10.77.3.0/24,
 * namespaces {@code ssi-p3-h1}, veths {@code ssip3h1}, the bridge {@code ssip3br} and the cgroup
 * {@code ssi-p3}. Deriving them all from one number is what lets {@code down} find a pool's
 * leftovers after a crash, and keeps two pools from ever sharing a name or an address.
 */
record PoolNames(int number) {
    static final int MAX_NUMBER = 254;
    /** Hosts take .2 to .101; interface names stay within Linux's 15 characters. */
    static final int MAX_HOSTS = 100;
    static final int PREFIX_LENGTH = 24;
    /** The name of a host's end of its veth, inside its own namespace. */
    static final String HOST_DEVICE = "eth0";

    private static final Pattern ID = Pattern.compile("p([1-9][0-9]{0,2})");

    PoolNames {
        if (number < 1 || number > MAX_NUMBER) {
            throw new PoolException("a pool number is 1.." + MAX_NUMBER + ", not " + number);
        }
    }

    /** The pool whose id this is, e.g. {@code p3}. */
    static PoolNames ofId(String id) {
        Matcher matcher = ID.matcher(id);
        if (!matcher.matches() || Integer.parseInt(matcher.group(1)) > MAX_NUMBER) {
            throw new PoolException("'" + id + "' is not a pool id (p1.." + "p" + MAX_NUMBER + ")");
        }
        return new PoolNames(Integer.parseInt(matcher.group(1)));
    }

    String id() {
        return "p" + number;
    }

    String bridge() {
        return "ssi" + id() + "br";
    }

    static String hostName(int host) {
        return "h" + host;
    }

    String namespace(int host) {
        return "ssi-" + id() + "-" + hostName(host);
    }

    /** The root namespace's end of the host's veth, a port of the bridge. */
    String veth(int host) {
        return "ssi" + id() + hostName(host);
    }

    String cgroup() {
        return "ssi-" + id();
    }

    String subnetPrefix() {
        return "10.77." + number + ".";
    }

    String workstationAddress() {
        return subnetPrefix() + "1";
    }

    String hostAddress(int host) {
        return subnetPrefix() + (host + 1);
    }

    /** Whether a network namespace of this name belongs to this pool. */
    boolean ownsNamespace(String name) {
        return name.matches("ssi-" + id() + "-h[0-9]+");
    }

    /** Whether a link in the root namespace of this name belongs to this pool. */
    boolean ownsLink(String name) {
        return name.equals(bridge()) || name.matches("ssi" + id() + "h[0-9]+");
    }
}
