package dev.ssi.checkpoint.image;

import dev.ssi.checkpoint.image.CriuImages.CoreEntry;
import dev.ssi.checkpoint.image.CriuImages.CredsEntry;
import dev.ssi.checkpoint.image.CriuImages.FileEntry;
import dev.ssi.checkpoint.image.CriuImages.MmEntry;
import dev.ssi.checkpoint.image.CriuImages.PstreeEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads a {@link DumpedTree} the way CRIU 4's restore finds credentials (criu/cr-restore.c):
 * pstree.img lists the tasks, the root first, each live one with its threads, its own pid first; each
 * thread's core-TID.img holds its credentials, or, where the first thread's holds none, the
 * task's creds-PID.img holds one set for all of them. A live task whose core has no thread state
 * at all is refused: CRIU would restore no credentials for it, and it would keep root's.
 */
final class TreeReader {
    private static final int PSTREE_MAGIC = 0x50273030;
    private static final int CORE_MAGIC = 0x55053847;
    private static final int CREDS_MAGIC = 0x54023547;
    private static final int MM_MAGIC = 0x57492820;
    private static final int FILES_MAGIC = 0x56303138;
    private static final int TASK_DEAD = 2;
    private static final int REGULAR_FILE = 1;
    /** CRIU's CR_CAP_SIZE: capability sets are two 32-bit words. */
    private static final int CAPABILITY_WORDS = 2;
    static final int MOST_TASKS = 65_536;
    static final int MOST_THREADS = 65_536;
    static final int MOST_GROUP_IDS = 1 << 20;

    private final Path dir;
    private int groupIds;

    TreeReader(Path dir) {
        this.dir = dir;
    }

    DumpedTree read() throws BadImageException {
        List<PstreeEntry> tasks = tasks();
        List<ThreadCredentials> threads = new ArrayList<>();
        for (PstreeEntry task : tasks) {
            threads.addAll(credentialsOf(task));
        }
        int root = tasks.get(0).getPid();
        return new DumpedTree(root, threads, executableOf(root), hasUserNamespace());
    }

    private List<PstreeEntry> tasks() throws BadImageException {
        try (ImageFile pstree = ImageFile.open(dir, "pstree.img", PSTREE_MAGIC)) {
            List<PstreeEntry> tasks = new ArrayList<>();
            Set<Integer> pids = new HashSet<>();
            int threads = 0;
            for (Optional<PstreeEntry> next; (next = pstree.next(PstreeEntry.parser())).isPresent(); ) {
                PstreeEntry task = next.get();
                if (tasks.size() == MOST_TASKS) {
                    throw new BadImageException("pstree.img lists more than " + MOST_TASKS + " tasks");
                }
                if (!pids.add(task.getPid())) {
                    throw new BadImageException("pstree.img lists task " + task.getPid() + " twice");
                }
                threads += task.getThreadsCount();
                if (threads > MOST_THREADS) {
                    throw new BadImageException("pstree.img lists more than " + MOST_THREADS + " threads");
                }
                tasks.add(task);
            }
            if (tasks.isEmpty()) {
                throw new BadImageException("pstree.img lists no task");
            }
            if (tasks.get(0).getPpid() != 0) {
                throw new BadImageException("pstree.img begins with task " + tasks.get(0).getPid()
                        + ", which has a parent, not with the tree's root");
            }
            return tasks;
        }
    }

    private List<ThreadCredentials> credentialsOf(PstreeEntry task) throws BadImageException {
        int pid = task.getPid();
        CoreEntry leader = core(pid);
        if (!leader.hasTc()) {
            throw new BadImageException("core-" + pid + ".img has no task state");
        }
        if (leader.getTc().getTaskState() == TASK_DEAD) {
            return List.of(); // A zombie: restored only to exit at once; CRIU lists no threads of it that mean anything.
        }
        if (task.getThreadsCount() == 0 || task.getThreads(0) != pid) {
            throw new BadImageException("pstree.img lists task " + pid + " without itself as its first thread");
        }
        if (!leader.hasThreadCore()) {
            throw new BadImageException("core-" + pid + ".img has no thread state, so no credentials");
        }
        List<ThreadCredentials> threads = new ArrayList<>();
        if (!leader.getThreadCore().hasCreds()) {
            CredsEntry shared;
            try (ImageFile creds = ImageFile.open(dir, name("creds", pid), CREDS_MAGIC)) {
                shared = creds.first(CredsEntry.parser());
            }
            for (int tid : task.getThreadsList()) {
                threads.add(credentials(pid, tid, shared));
            }
            return threads;
        }
        for (int tid : task.getThreadsList()) {
            CoreEntry core = tid == pid ? leader : core(tid);
            if (!core.hasThreadCore() || !core.getThreadCore().hasCreds()) {
                throw new BadImageException("core-" + tid + ".img has no credentials, though task " + pid
                        + "'s first thread has");
            }
            threads.add(credentials(pid, tid, core.getThreadCore().getCreds()));
        }
        return threads;
    }

    private CoreEntry core(int tid) throws BadImageException {
        try (ImageFile core = ImageFile.open(dir, name("core", tid), CORE_MAGIC)) {
            return core.first(CoreEntry.parser());
        }
    }

    /** CRIU's name of a task's or thread's image of a kind: "core-7.img". */
    private static String name(String kind, int id) {
        return kind + "-" + Integer.toUnsignedString(id) + ".img";
    }

    private ThreadCredentials credentials(int pid, int tid, CredsEntry c) throws BadImageException {
        groupIds += c.getGroupsCount();
        if (groupIds > MOST_GROUP_IDS) {
            throw new BadImageException("the images give their threads more than " + MOST_GROUP_IDS + " group ids");
        }
        String where = "the credentials of thread " + tid;
        return new ThreadCredentials(pid, tid, c.getUid(), c.getEuid(), c.getSuid(), c.getFsuid(), c.getGid(),
                c.getEgid(), c.getSgid(), c.getFsgid(), c.getGroupsList(), bits(c.getCapInhList(), where),
                bits(c.getCapPrmList(), where), bits(c.getCapEffList(), where), bits(c.getCapAmbList(), where));
    }

    private static long bits(List<Integer> words, String where) throws BadImageException {
        if (words.size() > CAPABILITY_WORDS) {
            throw new BadImageException(where + " have a capability set of " + words.size() + " words, not "
                    + CAPABILITY_WORDS);
        }
        long set = 0;
        for (int i = 0; i < words.size(); i++) {
            set |= Integer.toUnsignedLong(words.get(i)) << (32 * i);
        }
        return set;
    }

    /** The path of the file {@code pid} runs: mm-PID.img names it by id, files.img holds its entry. */
    private String executableOf(int pid) throws BadImageException {
        int exe;
        try (ImageFile mm = ImageFile.open(dir, name("mm", pid), MM_MAGIC)) {
            exe = mm.first(MmEntry.parser()).getExeFileId();
        }
        try (ImageFile files = ImageFile.open(dir, "files.img", FILES_MAGIC)) {
            for (Optional<FileEntry> next; (next = files.next(FileEntry.parser())).isPresent(); ) {
                FileEntry file = next.get();
                if (file.getId() == exe) {
                    if (file.getType() != REGULAR_FILE || !file.hasReg()) {
                        throw new BadImageException("task " + pid + "'s executable, file " + exe
                                + ", is not a regular file");
                    }
                    return file.getReg().getName();
                }
            }
        }
        throw new BadImageException("task " + pid + "'s executable, file " + exe + ", is not in files.img");
    }

    private boolean hasUserNamespace() throws BadImageException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(file -> file.getFileName().toString().startsWith("userns-"));
        } catch (IOException e) {
            throw new BadImageException("cannot list " + dir, e);
        }
    }
}
