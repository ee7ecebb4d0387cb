package dev.ssi.daemon.balance.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every process of the machine at one moment, read from /proc once (this kernel has no
 * {@code /proc/PID/task/TID/children}, so finding a tree's descendants needs the whole table).
 * A scan of a few hundred processes costs a few milliseconds.
 */
public final class ProcessTable {
    static final Path PROC = Path.of("/proc");

    private final Map<Integer, ProcStat> byPid;
    private final Map<Integer, List<Integer>> children = new HashMap<>();

    private ProcessTable(Map<Integer, ProcStat> byPid) {
        this.byPid = byPid;
        for (ProcStat process : byPid.values()) {
            children.computeIfAbsent(process.ppid(), parent -> new ArrayList<>()).add(process.pid());
        }
    }

    public static ProcessTable scan() {
        Map<Integer, ProcStat> byPid = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, ProcessTable::isPid)) {
            for (Path entry : entries) {
                ProcStat.read(entry.resolve("stat")).ifPresent(stat -> byPid.put(stat.pid(), stat));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + PROC, e);
        }
        return new ProcessTable(byPid);
    }

    /** {@code root} and all its descendants, root first; empty when root is gone. */
    public List<ProcStat> tree(int root) {
        List<ProcStat> tree = new ArrayList<>();
        Deque<Integer> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            ProcStat process = byPid.get(todo.pop());
            if (process != null) {
                tree.add(process);
                todo.addAll(children.getOrDefault(process.pid(), List.of()));
            }
        }
        return tree;
    }

    /**
     * Whether {@code pid} is {@code ancestor} or descends from it. A process born since the scan
     * (CRIU forks many while it restores a job) is looked up then, not taken for a stranger.
     */
    public boolean within(int pid, int ancestor) {
        for (ProcStat process = stat(pid); process != null; process = stat(process.ppid())) {
            if (process.pid() == ancestor) {
                return true;
            }
            if (process.ppid() == process.pid()) {
                return false;
            }
        }
        return false;
    }

    private ProcStat stat(int pid) {
        ProcStat known = byPid.get(pid);
        return known != null || pid <= 0 ? known
                : ProcStat.read(PROC.resolve(Integer.toString(pid)).resolve("stat")).orElse(null);
    }

    private static boolean isPid(Path entry) {
        String name = entry.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }
}
