package dev.ssi.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.MessageLite;
import dev.ssi.checkpoint.image.BadImageException;
import dev.ssi.checkpoint.image.CriuImages.CoreEntry;
import dev.ssi.checkpoint.image.CriuImages.CredsEntry;
import dev.ssi.checkpoint.image.CriuImages.PstreeEntry;
import dev.ssi.checkpoint.image.DumpedTree;
import dev.ssi.checkpoint.image.ThreadCredentials;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The credentials a real CRIU dump holds, read back from its images: every thread of every task
 * as the kernel had it just before the dump; and images cut short, flipped, overgrown or
 * hollowed out are refused with a reason, never with anything else.
 */
@Timeout(120)
class DumpedTreeTest {
    private static final int COMMON = 0x54564319;
    private static final int PSTREE = 0x50273030;
    private static final int CORE = 0x55053847;
    private static final int CREDS = 0x54023547;
    /**
     * Task 2 (python under setpriv) has two extra groups and net_raw inheritable and ambient;
     * its second thread sets its own fsuid (which drops its file capabilities); task 3 is a
     * zombie it never waits for.
     */
    private static final String JOB = """
            import ctypes, os, threading, time
            if os.fork() == 0:
                os._exit(0)
            def other():
                ctypes.CDLL(None).setfsuid(4321)
                print("ready", flush=True)
                time.sleep(600)
            threading.Thread(target=other, daemon=True).start()
            time.sleep(600)
            """;

    @TempDir
    static Path dumped;
    @TempDir
    Path tmp;

    private static Set<ThreadCredentials> beforeTheDump;

    @BeforeAll
    static void dumpARealJob() throws Exception {
        Criu criu = Criu.locate();
        try (ShimJob job = ShimJob.start("setpriv", "--groups=4242,4243", "--inh-caps=+net_raw",
                "--ambient-caps=+net_raw", "--", "python3", "-c", JOB)) {
            job.awaitLines(1);
            beforeTheDump = credentialsInProc(job.root());
            criu.dump(DumpSpec.of(job.root(), dumped.resolve("img"), dumped.resolve("work")));
        }
    }

    @Test
    void everyThreadOfEveryLiveTaskHasTheCredentialsTheKernelGaveIt() throws Exception {
        DumpedTree tree = DumpedTree.read(dumped.resolve("img"));

        assertEquals(beforeTheDump, new HashSet<>(tree.threads()), "as /proc had them before the dump");
        assertEquals(1, tree.root());
        assertEquals(ShimJob.SHIM.toRealPath().toString(), tree.rootExecutable());
        assertFalse(tree.userNamespace());
        ThreadCredentials python = thread(tree, 2, 2);
        assertEquals(List.of(4242, 4243), python.groups());
        assertEquals(1L << 13, python.inheritable(), "net_raw");
        assertEquals(1L << 13, python.ambient(), "net_raw");
        ThreadCredentials other = tree.threads().stream().filter(t -> t.pid() == 2 && t.tid() != 2).findFirst()
                .orElseThrow();
        assertEquals(4321, other.fsuid(), "read per thread");
        assertEquals(0, python.fsuid());
        assertEquals(3, pstree(dumped.resolve("img")).size(), "pid 1, python and its zombie");
        assertTrue(tree.threads().stream().noneMatch(t -> t.pid() == 3), "the zombie, which runs nothing, is left out");
    }

    @Test
    void everyShorterCoreIsRefusedNamingIt() throws Exception {
        byte[] whole = Files.readAllBytes(dumped.resolve("img/core-2.img"));
        for (int length = 0; length < whole.length; length++) {
            Path images = copy();
            Files.write(images.resolve("core-2.img"), Arrays.copyOf(whole, length));
            BadImageException e = assertThrows(BadImageException.class, () -> DumpedTree.read(images), "" + length);
            assertTrue(e.getMessage().contains("core-2.img"), e.getMessage());
        }
    }

    @Test
    void flippedBytesAreReadOrRefusedNeverThrownOtherwise() throws Exception {
        Random random = new Random(17);
        Path images = copy();
        int refused = 0;
        for (int trial = 0; trial < 2000; trial++) {
            Path file = images.resolve(List.of("pstree.img", "core-1.img", "core-2.img", "mm-1.img").get(trial % 4));
            byte[] original = Files.readAllBytes(file);
            byte[] flipped = original.clone();
            flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
            Files.write(file, flipped);
            try {
                DumpedTree.read(images);
            } catch (BadImageException e) {
                refused++;
            }
            Files.write(file, original);
        }
        assertTrue(refused > 0, "some flips break the images");
    }

    @Test
    void anEntryLongerThanAnyCriuWritesIsRefusedBeforeItIsRead() throws Exception {
        Path images = copy();
        ByteBuffer huge = words(COMMON, PSTREE, (16 << 20) + 1);
        Files.write(images.resolve("pstree.img"), huge.array());
        assertRefused(images, "pstree.img has an entry of 16777217 bytes, beyond");
        Files.write(images.resolve("pstree.img"), words(COMMON, PSTREE, -1).array());
        assertRefused(images, "pstree.img has an entry of 4294967295 bytes, beyond");
    }

    @Test
    void moreTasksThanABoundAreRefused() throws Exception {
        Path images = copy();
        List<MessageLite> tasks = new ArrayList<>();
        for (int pid = 1; pid <= 65_537; pid++) {
            tasks.add(PstreeEntry.newBuilder().setPid(pid).setPpid(pid == 1 ? 0 : 1).addThreads(pid).build());
        }
        write(images.resolve("pstree.img"), PSTREE, tasks);
        assertRefused(images, "pstree.img lists more than 65536 tasks");
    }

    @Test
    void aTreeThatCriuWouldRestoreWithoutCredentialsOrAnotherRootIsRefused() throws Exception {
        Path images = copy();
        Files.delete(images.resolve("core-2.img"));
        assertRefused(images, "core-2.img is missing");

        images = copy();
        Files.write(images.resolve("core-2.img"), words(0x55053847, CORE).array());
        assertRefused(images, "core-2.img is not the CRIU image it should be");

        images = copy();
        CoreEntry python = core(images, 2);
        write(images.resolve("core-2.img"), CORE, List.of(python.toBuilder().clearThreadCore().build()));
        assertRefused(images, "core-2.img has no thread state");

        images = copy();
        List<MessageLite> tasks = new ArrayList<>(pstree(images));
        tasks.add(tasks.get(1));
        write(images.resolve("pstree.img"), PSTREE, tasks);
        assertRefused(images, "lists task 2 twice");

        images = copy();
        tasks = new ArrayList<>(pstree(images));
        tasks.set(1, ((PstreeEntry) tasks.get(1)).toBuilder().clearThreads().addThreads(99).build());
        write(images.resolve("pstree.img"), PSTREE, tasks);
        assertRefused(images, "task 2 without itself as its first thread");

        images = copy();
        tasks = new ArrayList<>(pstree(images));
        write(images.resolve("pstree.img"), PSTREE, tasks.subList(1, tasks.size()));
        assertRefused(images, "begins with task 2, which has a parent");

        images = copy();
        Files.write(images.resolve("userns-13.img"), words(COMMON, 0x55474906).array());
        assertTrue(DumpedTree.read(images).userNamespace());
    }

    @Test
    void aTaskWithoutPerThreadCredentialsRunsAsItsCredsImageSays() throws Exception {
        Path images = copy();
        CoreEntry python = core(images, 2);
        write(images.resolve("core-2.img"), CORE, List.of(python.toBuilder().setThreadCore(
                python.getThreadCore().toBuilder().clearCreds()).build()));
        assertRefused(images, "creds-2.img is missing");

        CredsEntry creds = python.getThreadCore().getCreds().toBuilder().setUid(1234).setEuid(1234).build();
        write(images.resolve("creds-2.img"), CREDS, List.of(creds));
        List<ThreadCredentials> task2 = DumpedTree.read(images).threads().stream().filter(t -> t.pid() == 2).toList();
        assertEquals(2, task2.size(), "both threads");
        assertTrue(task2.stream().allMatch(t -> t.uid() == 1234 && t.euid() == 1234 && t.fsuid() == 0), "" + task2);

        write(images.resolve("creds-2.img"), CREDS, List.of(CredsEntry.newBuilder().setUid(1).buildPartial()));
        assertRefused(images, "creds-2.img holds a malformed entry");
    }

    private static ThreadCredentials thread(DumpedTree tree, int pid, int tid) {
        return tree.threads().stream().filter(t -> t.pid() == pid && t.tid() == tid).findFirst().orElseThrow();
    }

    private static void assertRefused(Path images, String reason) {
        BadImageException e = assertThrows(BadImageException.class, () -> DumpedTree.read(images));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    /** The dumped images but their memory, which no credentials are read from. */
    private Path copy() throws IOException {
        Path images = Files.createTempDirectory(tmp, "img");
        try (Stream<Path> files = Files.list(dumped.resolve("img"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (!file.getFileName().toString().startsWith("pages-")) {
                    Files.copy(file, images.resolve(file.getFileName()));
                }
            }
        }
        return images;
    }

    private static CoreEntry core(Path images, int tid) throws IOException {
        return CoreEntry.parseFrom(entries(images.resolve("core-" + tid + ".img")).get(0));
    }

    private static List<MessageLite> pstree(Path images) throws IOException {
        List<MessageLite> tasks = new ArrayList<>();
        for (byte[] entry : entries(images.resolve("pstree.img"))) {
            tasks.add(PstreeEntry.parseFrom(entry));
        }
        return tasks;
    }

    private static List<byte[]> entries(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        b.position(8);
        List<byte[]> entries = new ArrayList<>();
        while (b.hasRemaining()) {
            byte[] entry = new byte[b.getInt()];
            b.get(entry);
            entries.add(entry);
        }
        return entries;
    }

    private static void write(Path file, int magic, List<? extends MessageLite> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(words(COMMON, magic).array());
        for (MessageLite entry : entries) {
            byte[] bytes = entry.toByteArray();
            out.writeBytes(words(bytes.length).array());
            out.writeBytes(bytes);
        }
        Files.write(file, out.toByteArray());
    }

    private static ByteBuffer words(int... words) {
        ByteBuffer b = ByteBuffer.allocate(4 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        Arrays.stream(words).forEach(b::putInt);
        return b;
    }

    /** Every live thread under {@code root}, as its /proc status has it, numbered as in its pid namespace. */
    private static Set<ThreadCredentials> credentialsInProc(int root) throws IOException {
        Set<ThreadCredentials> threads = new HashSet<>();
        List<ProcessHandle> tree = new ArrayList<>(List.of(ProcessHandle.of(root).orElseThrow()));
        tree.addAll(ProcessHandle.of(root).orElseThrow().descendants().toList());
        for (ProcessHandle task : tree) {
            try (Stream<Path> tids = Files.list(Path.of("/proc", Long.toString(task.pid()), "task"))) {
                for (Path tid : (Iterable<Path>) tids::iterator) {
                    Map<String, String> status = status(tid.resolve("status"));
                    if (status.get("State").startsWith("Z")) {
                        continue;
                    }
                    int[] uid = ids(status.get("Uid"));
                    int[] gid = ids(status.get("Gid"));
                    List<Integer> groups = Arrays.stream(ids(status.get("Groups"))).boxed().toList();
                    threads.add(new ThreadCredentials(nsPid(task.pid()), lastOf(ids(status.get("NSpid"))), uid[0], uid[1],
                            uid[2], uid[3], gid[0], gid[1], gid[2], gid[3], groups, hex(status.get("CapInh")),
                            hex(status.get("CapPrm")), hex(status.get("CapEff")), hex(status.get("CapAmb"))));
                }
            }
        }
        return threads;
    }

    private static int nsPid(long pid) throws IOException {
        return lastOf(ids(status(Path.of("/proc", Long.toString(pid), "status")).get("NSpid")));
    }

    private static Map<String, String> status(Path file) throws IOException {
        Map<String, String> fields = new java.util.HashMap<>();
        for (String line : Files.readAllLines(file)) {
            int colon = line.indexOf(':');
            fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
        }
        return fields;
    }

    private static int[] ids(String field) {
        return field.isEmpty() ? new int[0] : Arrays.stream(field.split("\\s+")).mapToInt(Integer::parseInt).toArray();
    }

    private static int lastOf(int[] ids) {
        return ids[ids.length - 1];
    }

    private static long hex(String field) {
        return Long.parseUnsignedLong(field, 16);
    }
}
