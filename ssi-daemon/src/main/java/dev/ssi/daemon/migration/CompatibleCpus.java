package dev.ssi.daemon.migration;

import com.google.protobuf.ByteString;
import dev.ssi.checkpoint.Criu;
import dev.ssi.checkpoint.CriuException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CPUs, as CRIU's cpuinfo images describe them, that jobs may come to this node from. CRIU
 * checks an image the first time it is offered; an image it accepted is remembered, so that the
 * next offer of a job from that CPU is answered without starting CRIU again (a restart of ssid
 * forgets, as it must if its machine now has another CPU). Refusals are never remembered.
 */
final class CompatibleCpus {
    /** Far more CPU models than a pool has; bounds what peers can make this node keep. */
    private static final int MAX_REMEMBERED = 64;

    private final Criu criu;
    private final Set<ByteString> accepted = ConcurrentHashMap.newKeySet();

    CompatibleCpus(Criu criu) {
        this.criu = criu;
    }

    /** Fails unless a job dumped on the CPU of {@code cpuinfo} can run here. */
    void check(ByteString cpuinfo) throws CriuException {
        if (accepted.contains(cpuinfo)) {
            return;
        }
        criu.checkCpuCompatible(cpuinfo.toByteArray());
        if (accepted.size() < MAX_REMEMBERED) {
            accepted.add(cpuinfo);
        }
    }
}
