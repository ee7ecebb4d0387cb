package dev.ssi.daemon.control;

import java.util.List;
import java.util.Map;

/** What {@code ssi} asks of a node that balances, beyond its jobs: the pool's load, drain, the reclaim rules. */
public interface PoolControls {
    /** {@code ssi nodes}: the nodes known, each with what is known of its load. */
    List<Map<String, Object>> nodes();

    /** {@code ssi drain} (true) and {@code ssi undrain} (false). */
    Map<String, Object> drain(boolean drain);

    /** The reclaim rules now, every {@code reclaim.*} key with its value. */
    Map<String, String> reclaimSettings();

    /** Checks {@code reclaim.*} changes: a bad one is an IllegalArgumentException naming its key. Applies nothing. */
    void checkReclaim(Map<String, String> changes);

    /** Applies checked {@code reclaim.*} changes, from the next round on. */
    void changeReclaim(Map<String, String> changes);
}
