package dev.ssi.pool;

import dev.ssi.daemon.balance.LinkRate;
import java.util.Objects;
import java.util.Optional;

/**
 * What a local pool is made of: how many hosts, how many cores each host stands for (its CPU
 * quota), the speed of each host's link (unshaped when empty), and the workstation's CPU quota
 * (when empty, the whole machine's cores: uncapped).
 */
public record PoolSpec(int hosts, double cpusPerHost, Optional<LinkRate> link, Optional<Double> workstationCpus) {
    /** cgroups refuse a CPU quota under 1 ms per 100 ms period. */
    static final double MIN_CPUS = 0.01;
    static final double MAX_CPUS = 1024;

    public PoolSpec {
        checkHosts(hosts);
        checkCpusPerHost(cpusPerHost);
        Objects.requireNonNull(link, "link");
        workstationCpus.ifPresent(PoolSpec::checkCpusPerHost);
    }

    /** A pool whose workstation is uncapped. */
    public PoolSpec(int hosts, double cpusPerHost, Optional<LinkRate> link) {
        this(hosts, cpusPerHost, link, Optional.empty());
    }

    static void checkHosts(int hosts) {
        if (hosts < 1 || hosts > PoolNames.MAX_HOSTS) {
            throw new PoolException("a pool has 1.." + PoolNames.MAX_HOSTS + " hosts, not " + hosts);
        }
    }

    static void checkCpusPerHost(double cpus) {
        if (!(cpus >= MIN_CPUS && cpus <= MAX_CPUS)) {
            throw new PoolException("a host stands for " + MIN_CPUS + ".." + (long) MAX_CPUS + " cores, not " + cpus);
        }
    }
}
