package dev.ssi.daemon.pool;

import java.util.List;
import java.util.stream.Collectors;

/** A pool's status as a table for people or as JSON for programs. */
final class StatusReport {
    private static final String ROW = "%-6s %-12s %-14s %-13s %-5s %-9s %-5s %-5s %s%n";

    private StatusReport() {}

    static String text(LocalPool pool, List<HostStatus> hosts) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("pool %s in %s: workstation %s on bridge %s%s%n", pool.id(), pool.dir(),
                pool.workstationAddress(), pool.bridge(), pool.complete() ? "" : " (HALF-MADE: take it down)"));
        out.append(String.format(ROW, "HOST", "ADDRESS", "NAMESPACE", "CGROUP", "CPUS", "LINK", "ALIVE", "PROCS",
                "STATE DIR"));
        for (HostStatus status : hosts) {
            PoolHost host = status.host();
            out.append(String.format(ROW, host.name(), host.address(), host.namespace(), host.cgroup(),
                    cpus(host.cpus()), host.link().map(LinkRate::toString).orElse("-"),
                    status.alive() ? "yes" : "no", status.processes(), host.stateDir()));
        }
        return out.toString();
    }

    static String json(LocalPool pool, List<HostStatus> hosts) {
        return "{\"id\":" + quote(pool.id())
                + ",\"dir\":" + quote(pool.dir().toString())
                + ",\"complete\":" + pool.complete()
                + ",\"workstation\":" + quote(pool.workstationAddress())
                + ",\"bridge\":" + quote(pool.bridge())
                + ",\"hosts\":[" + hosts.stream().map(StatusReport::json).collect(Collectors.joining(",")) + "]}";
    }

    private static String json(HostStatus status) {
        PoolHost host = status.host();
        return "{\"name\":" + quote(host.name())
                + ",\"address\":" + quote(host.address())
                + ",\"namespace\":" + quote(host.namespace())
                + ",\"cgroup\":" + quote(host.cgroup())
                + ",\"cpus\":" + cpus(host.cpus())
                + ",\"link\":" + host.link().map(rate -> quote(rate.toString())).orElse("null")
                + ",\"stateDir\":" + quote(host.stateDir().toString())
                + ",\"alive\":" + status.alive()
                + ",\"processes\":" + status.processes() + "}";
    }

    private static String cpus(double cpus) {
        return cpus == Math.rint(cpus) ? Long.toString((long) cpus) : Double.toString(cpus);
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
