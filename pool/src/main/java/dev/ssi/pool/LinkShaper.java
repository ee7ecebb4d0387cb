package dev.ssi.pool;

import dev.ssi.daemon.balance.LinkRate;

/**
 * Shapes a host's link to a LAN's speed with a token bucket (tbf; this kind of machine has no
 * netem). tbf shapes what a device sends, so both ends of the veth get one: the link is then
 * that fast each way, as a full-duplex LAN link is.
 */
final class LinkShaper {
    private LinkShaper() {}

    static void shape(PoolNames names, int host, LinkRate rate) {
        Commands.run(tbf(names.veth(host), rate));
        Commands.run(Commands.inNamespace(names.namespace(host), tbf(PoolNames.HOST_DEVICE, rate)));
    }

    private static String[] tbf(String device, LinkRate rate) {
        return new String[] {"tc", "qdisc", "replace", "dev", device, "root", "tbf", "rate", rate.tcRate(),
                "burst", Long.toString(burstBytes(rate)), "latency", "50ms"};
    }

    /** How many bytes tbf may send at once: 10 ms of traffic, and never less than a GSO packet. */
    static long burstBytes(LinkRate rate) {
        return Math.max(rate.bitsPerSecond() / 8 / 100, 64 * 1024);
    }
}
