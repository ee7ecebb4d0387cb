package dev.ssi.daemon.pool;

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
                "burst", Long.toString(rate.burstBytes()), "latency", "50ms"};
    }
}
