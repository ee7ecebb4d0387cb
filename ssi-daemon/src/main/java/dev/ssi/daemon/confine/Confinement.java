package dev.ssi.daemon.confine;

import dev.ssi.daemon.balance.load.ProcStat;
import dev.ssi.daemon.balance.load.ProcessTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps guest jobs to this host owner's terms ({@link GuestsConfig}): every process of a guest
 * job in the guests' cgroup, every thread at the guests' nice level; a job back at its home
 * leaves that cgroup and runs at nice 0 again (it may bring nice 19 from its time as a guest).
 * Terms changed while ssid runs apply at once to the cgroup and to the guests already here.
 * Where the cgroup cannot be made (no cgroup controllers ssid may use), guests are only reniced,
 * and {@code ssi host} says why.
 */
public final class Confinement implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Confinement.class.getName());
    /** In the node's state directory: the guests' cgroup directories, for whoever cleans up after an ssid killed. */
    private static final String RECORD = "guests.cgroup";

    private final GuestsCgroup cgroup;
    private final String cgroupState;
    private final Path record;
    private volatile GuestsConfig terms;

    private Confinement(GuestsCgroup cgroup, String cgroupState, Path record, GuestsConfig terms) {
        this.cgroup = cgroup;
        this.cgroupState = cgroupState;
        this.record = record;
        this.terms = terms;
    }

    /** Makes the guests' cgroup of {@code node}, whose state lives in {@code state}, with {@code terms}. */
    public static Confinement start(String node, Path state, GuestsConfig terms) {
        String name = "ssi-guests-" + node.replaceAll("[^A-Za-z0-9_.-]", "_") + "-"
                + Integer.toHexString(state.toAbsolutePath().normalize().toString().hashCode());
        Path record = state.resolve(RECORD);
        try {
            GuestsCgroup cgroup = GuestsCgroup.create(name);
            List<String> dirs = cgroup.dirs().stream().map(Path::toString).toList();
            Files.write(record, dirs);
            cgroup.apply(terms);
            return new Confinement(cgroup, String.join(",", dirs), record, terms);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "guests get no cgroup, only their nice level: " + e.getMessage());
            return new Confinement(null, "none: " + e.getMessage(), record, terms);
        }
    }

    /**
     * Removes the guests' cgroup an ssid that was killed left behind in {@code state}, once it
     * is empty (a local pool's teardown, after it has killed every process of the pool).
     */
    public static void removeLeftover(Path state) throws IOException {
        Path record = state.resolve(RECORD);
        if (Files.exists(record)) {
            for (String dir : Files.readAllLines(record)) {
                Files.deleteIfExists(Path.of(dir));
            }
            Files.delete(record);
        }
    }

    public GuestsConfig terms() {
        return terms;
    }

    /** A guest job just restored here, still stopped: into the guests' cgroup, at their nice level. */
    public synchronized void guest(int root) throws IOException {
        List<Integer> tree = tree(root);
        if (cgroup != null) {
            for (int pid : tree) {
                cgroup.add(pid);
            }
        }
        ThreadNice.processes(tree, terms.nice());
    }

    /** A job back at its home: out of the guests' cgroup, at nice 0. */
    public synchronized void home(int root) throws IOException {
        List<Integer> tree = tree(root);
        if (cgroup != null) {
            for (int pid : tree) {
                cgroup.release(pid);
            }
        }
        ThreadNice.processes(tree, 0);
    }

    /**
     * Changes the terms now ({@code guests.nice} → {@code 10}, ...), for the cgroup and for the
     * guests whose roots are {@code guests}. A bad change is an error that names its key, and
     * changes nothing.
     */
    public synchronized GuestsConfig change(Map<String, String> changes, List<Integer> guests) {
        GuestsConfig next = terms.with(changes);
        if (cgroup != null) {
            try {
                cgroup.apply(next);
            } catch (IOException e) {
                try {
                    cgroup.apply(terms);
                } catch (IOException again) {
                    LOG.log(System.Logger.Level.WARNING, "cannot put the guests' cgroup back as it was: " + again.getMessage());
                }
                throw new IllegalArgumentException("cannot apply " + changes + ": " + e.getMessage(), e);
            }
        }
        terms = next;
        List<Integer> all = new ArrayList<>();
        ProcessTable table = ProcessTable.scan();
        guests.forEach(root -> table.tree(root).forEach(p -> all.add(p.pid())));
        try {
            ThreadNice.processes(all, next.nice());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot renice the guests: " + e.getMessage());
        }
        return next;
    }

    /** The terms as {@code ssi host} shows them, with the guests' cgroup. */
    public Map<String, Object> describe() {
        Map<String, Object> shown = new LinkedHashMap<>(terms.settings());
        shown.put("cgroup", cgroupState);
        return shown;
    }

    /** Removes the guests' cgroup, once the guests killed before are gone. */
    @Override
    public void close() {
        if (cgroup != null) {
            try {
                cgroup.remove();
                Files.deleteIfExists(record);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, e.getMessage());
            }
        }
    }

    private static List<Integer> tree(int root) {
        return ProcessTable.scan().tree(root).stream().map(ProcStat::pid).toList();
    }
}
