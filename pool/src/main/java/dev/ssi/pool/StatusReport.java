package dev.ssi.pool;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssi.daemon.balance.LinkRate;
import java.util.List;
import java.util.Optional;

/** A pool's status as a table for people or as JSON for programs. */
final class StatusReport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROW = "%-6s %-12s %-14s %-13s %-5s %-9s %-5s %-5s %-10s %s%n";

    private StatusReport() {}

    static String text(LocalPool pool, List<HostStatus> hosts) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("pool %s in %s: workstation %s (ssid %s, %s cores) on bridge %s%s%n", pool.id(),
                pool.dir(), pool.workstationAddress(), ssid(pool, LocalPool.WORKSTATION), cpus(pool.workstationCpus()),
                pool.bridge(),
                pool.complete() ? "" : " (HALF-MADE: take it down)"));
        out.append(String.format(ROW, "HOST", "ADDRESS", "NAMESPACE", "CGROUP", "CPUS", "LINK", "ALIVE", "PROCS",
                "SSID", "STATE DIR"));
        for (HostStatus status : hosts) {
            PoolHost host = status.host();
            out.append(String.format(ROW, host.name(), host.address(), host.namespace(), host.cgroup(),
                    cpus(host.cpus()), host.link().map(LinkRate::toString).orElse("-"),
                    status.alive() ? "yes" : "no", status.processes(), ssid(pool, host.name()), host.stateDir()));
        }
        return out.toString();
    }

    static String json(LocalPool pool, List<HostStatus> hosts) {
        ObjectNode report = JSON.createObjectNode()
                .put("id", pool.id())
                .put("dir", pool.dir().toString())
                .put("complete", pool.complete())
                .put("workstation", pool.workstationAddress())
                .put("workstationCpus", pool.workstationCpus())
                .put("bridge", pool.bridge())
                .put("workstationSocket", PoolDaemons.node(pool, LocalPool.WORKSTATION).socket().toString())
                .put("workstationSsidPid", ssidPid(pool, LocalPool.WORKSTATION).orElse(null));
        ArrayNode list = report.putArray("hosts");
        for (HostStatus status : hosts) {
            PoolHost host = status.host();
            list.addObject()
                    .put("name", host.name())
                    .put("address", host.address())
                    .put("namespace", host.namespace())
                    .put("cgroup", host.cgroup())
                    .put("cpus", host.cpus())
                    .put("link", host.link().map(LinkRate::toString).orElse(null))
                    .put("stateDir", host.stateDir().toString())
                    .put("alive", status.alive())
                    .put("processes", status.processes())
                    .put("socket", PoolDaemons.node(pool, host.name()).socket().toString())
                    .put("ssidPid", ssidPid(pool, host.name()).orElse(null));
        }
        return report.toString();
    }

    /** "pid N" while the node's ssid runs, "-" when it does not. */
    private static String ssid(LocalPool pool, String node) {
        return ssidPid(pool, node).map(pid -> "pid " + pid).orElse("-");
    }

    private static Optional<Long> ssidPid(LocalPool pool, String node) {
        return PoolDaemons.running(PoolDaemons.node(pool, node)).map(ProcessHandle::pid);
    }

    private static String cpus(double cpus) {
        return cpus == Math.rint(cpus) ? Long.toString((long) cpus) : Double.toString(cpus);
    }
}
