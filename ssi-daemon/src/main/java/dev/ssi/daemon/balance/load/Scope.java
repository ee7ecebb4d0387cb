package dev.ssi.daemon.balance.load;

/**
 * What stands for "this machine" when a node measures its load: the whole machine, or — in a
 * local pool, where each host is a cgroup on one machine — the cgroup its ssid runs in.
 */
public interface Scope {
    /** The cores ssi jobs may use. */
    double cpus();

    /**
     * ThreadDemand in the scope that are runnable now and are not ssi's: not ssid's own, nor of any
     * process that descends from it (its jobs, its CRIU runs). They are the owner's load.
     */
    int ownerRunnable(ProcessTable table, int ssid);

    /** The scope named in configuration: {@code machine} or {@code cgroup}. */
    static Scope named(String name) {
        return switch (name) {
            case "machine" -> new MachineScope();
            case "cgroup" -> CgroupScope.own();
            default -> throw new IllegalArgumentException("no load scope '" + name + "' (machine or cgroup)");
        };
    }
}
