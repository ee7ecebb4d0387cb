package dev.ssi.checkpoint.os;

import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Starts a program with posix_spawn, giving it exactly the descriptors named here and no other.
 * ProcessBuilder cannot: it closes every descriptor above 2, and CRIU's swrk socket and
 * inherited pipes must reach the child by number. Signal dispositions and mask start clean.
 */
public final class Spawn {
    private final List<String> argv;
    private final Map<Integer, Integer> childFdToOurs = new TreeMap<>();
    private Map<String, String> environment = System.getenv();
    private Path directory;

    private Spawn(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("nothing to spawn: empty command");
        }
        this.argv = List.copyOf(argv);
    }

    public static Spawn of(List<String> argv) {
        return new Spawn(argv);
    }

    public static Spawn of(String... argv) {
        return new Spawn(List.of(argv));
    }

    /** The child gets our descriptor {@code ours} as its descriptor {@code childFd}. */
    public Spawn fd(int childFd, int ours) {
        childFdToOurs.put(childFd, ours);
        return this;
    }

    public Spawn environment(Map<String, String> env) {
        this.environment = Map.copyOf(env);
        return this;
    }

    public Spawn directory(Path dir) {
        this.directory = dir;
        return this;
    }

    /** Starts the child and returns its pid; the caller must {@link Processes#waitFor} it. */
    public int start() throws OsException {
        LibC c = LibC.INSTANCE;
        int highestChildFd = childFdToOurs.keySet().stream().max(Integer::compare).orElse(2);
        List<Integer> temporaries = new ArrayList<>();
        Memory actions = new Memory(LibC.SPAWN_FILE_ACTIONS_SIZE);
        Memory attr = new Memory(LibC.SPAWN_ATTR_SIZE);
        Memory noSignals = new Memory(LibC.SIGSET_SIZE);
        Memory allSignals = new Memory(LibC.SIGSET_SIZE);
        c.posix_spawn_file_actions_init(actions);
        c.posix_spawnattr_init(attr);
        try {
            for (Map.Entry<Integer, Integer> e : childFdToOurs.entrySet()) {
                int source = e.getValue();
                // A source inside the range being filled could be overwritten before it is copied.
                if (source <= highestChildFd) {
                    source = Descriptors.duplicateAtLeast(source, highestChildFd + 1);
                    temporaries.add(source);
                }
                check("posix_spawn_file_actions_adddup2", c.posix_spawn_file_actions_adddup2(actions, source, e.getKey()));
            }
            check("posix_spawn_file_actions_addclosefrom_np",
                    c.posix_spawn_file_actions_addclosefrom_np(actions, highestChildFd + 1));
            if (directory != null) {
                check("posix_spawn_file_actions_addchdir_np",
                        c.posix_spawn_file_actions_addchdir_np(actions, directory.toString()));
            }
            c.sigemptyset(noSignals);
            c.sigfillset(allSignals);
            check("posix_spawnattr_setsigmask", c.posix_spawnattr_setsigmask(attr, noSignals));
            check("posix_spawnattr_setsigdefault", c.posix_spawnattr_setsigdefault(attr, allSignals));
            check("posix_spawnattr_setflags", c.posix_spawnattr_setflags(attr,
                    (short) (LibC.POSIX_SPAWN_SETSIGMASK | LibC.POSIX_SPAWN_SETSIGDEF)));
            IntByReference pid = new IntByReference();
            int error = c.posix_spawn(pid, argv.get(0), actions, attr, argv.toArray(String[]::new), envp());
            if (error != 0) {
                throw new OsException("posix_spawn " + argv.get(0), error);
            }
            return pid.getValue();
        } finally {
            temporaries.forEach(Descriptors::closeQuietly);
            c.posix_spawn_file_actions_destroy(actions);
            c.posix_spawnattr_destroy(attr);
        }
    }

    private String[] envp() {
        return environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    private static void check(String call, int error) throws OsException {
        if (error != 0) {
            throw new OsException(call, error);
        }
    }
}
