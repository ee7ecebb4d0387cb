package dev.ssi.daemon.balance;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Peer addresses as gossip writes them: an IP address and a port, {@code 10.77.3.2:7420} or
 * {@code [fd00::2]:7420}. Only literal addresses: a name would need a DNS lookup on the way in,
 * and what a node says of itself must not send others to look names up.
 */
public final class Addresses {
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]+");

    private Addresses() {}

    public static String format(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        String host = ip instanceof Inet6Address ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress();
        return host + ":" + address.getPort();
    }

    /** Parses what {@link #format} writes; anything else is an IllegalArgumentException saying why. */
    public static InetSocketAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("'" + text + "' is not ip:port");
        }
        String host = text.substring(0, colon);
        boolean v6 = host.startsWith("[") && host.endsWith("]");
        String ip = v6 ? host.substring(1, host.length() - 1) : host;
        if (!(v6 ? IPV6.matcher(ip).matches() && ip.contains(":") : IPV4.matcher(ip).matches())) {
            throw new IllegalArgumentException("'" + text + "' does not start with an IP address");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no port number");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("'" + text + "': port " + port + " is out of range");
        }
        try {
            // A literal is only checked, never looked up.
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid IP address");
        }
    }
}
