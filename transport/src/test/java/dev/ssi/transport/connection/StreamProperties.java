package dev.ssi.transport.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ssi.transport.stream.OutgoingStream;
import dev.ssi.transport.stream.StreamResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

class StreamProperties {
    /** A file to generate: its size, and how many distinct byte values (few compress well). */
    record FileSpec(int size, int distinctValues, long seed) {
        byte[] bytes() {
            Random random = new Random(seed);
            byte[] data = new byte[size];
            for (int i = 0; i < size; i++) {
                data[i] = (byte) random.nextInt(distinctValues);
            }
            return data;
        }
    }

    private static TestPool pool;
    private static TransportNode sender;
    private static TransportNode receiver;
    private static Path root;
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final Map<String, CompletableFuture<Path>> RECEIVED = new ConcurrentHashMap<>();

    @BeforeContainer
    static void start() throws IOException {
        root = Files.createTempDirectory("ssi-stream-props");
        pool = new TestPool();
        sender = pool.start("sender");
        receiver = pool.start("receiver");
        receiver.onStream(stream -> stream.accept(root.resolve("in-" + stream.label())).whenComplete((dir, failure) -> {
            CompletableFuture<Path> received = RECEIVED.computeIfAbsent(stream.label(), l -> new CompletableFuture<>());
            if (failure != null) {
                received.completeExceptionally(failure);
            } else {
                received.complete(dir);
            }
        }));
    }

    @AfterContainer
    static void stop() throws IOException {
        pool.close();
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Property(tries = 40)
    void aDirectoryArrivesExactlyAsSent(@ForAll("directories") Map<String, FileSpec> files) throws Exception {
        String label = "run-" + RUNS.incrementAndGet();
        Path source = Files.createDirectory(root.resolve(label));
        Map<String, byte[]> expected = contents(files);
        for (var file : expected.entrySet()) {
            Files.write(source.resolve(file.getKey()), file.getValue());
        }
        StreamResult result = TestPool.connect(sender, receiver).sendDirectory(source, label)
                .completion().get(30, TimeUnit.SECONDS);
        assertArrived(label, expected, result);
    }

    @Property(tries = 25)
    void aDirectoryWrittenWhileItIsSentArrivesAsTheWriterLeftIt(@ForAll("directories") Map<String, FileSpec> files,
                                                                @ForAll long seed) throws Exception {
        String label = "growing-" + RUNS.incrementAndGet();
        Path source = Files.createDirectory(root.resolve(label));
        Map<String, byte[]> expected = contents(files);
        OutgoingStream stream = TestPool.connect(sender, receiver).sendGrowingDirectory(source, label);
        GrowingWriter.write(source, expected, new Random(seed));
        stream.writerFinished();
        assertArrived(label, expected, stream.completion().get(30, TimeUnit.SECONDS));
    }

    private static Map<String, byte[]> contents(Map<String, FileSpec> files) {
        Map<String, byte[]> contents = new TreeMap<>();
        files.forEach((name, spec) -> contents.put(name, spec.bytes()));
        return contents;
    }

    private static void assertArrived(String label, Map<String, byte[]> expected, StreamResult result)
            throws Exception {
        Path received = RECEIVED.computeIfAbsent(label, l -> new CompletableFuture<>()).get(5, TimeUnit.SECONDS);
        assertEquals(expected.size(), result.files());
        assertEquals(expected.values().stream().mapToLong(b -> b.length).sum(), result.bytes());
        try (var listing = Files.list(received)) {
            assertEquals(expected.keySet(), listing.map(p -> p.getFileName().toString())
                    .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)));
        }
        for (var file : expected.entrySet()) {
            assertArrayEquals(file.getValue(), Files.readAllBytes(received.resolve(file.getKey())), file.getKey());
        }
    }

    @Provide
    Arbitrary<Map<String, FileSpec>> directories() {
        Arbitrary<String> names = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-_.")
                .ofMinLength(1).ofMaxLength(30).filter(n -> !n.equals(".") && !n.equals(".."));
        Arbitrary<Integer> sizes = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(0)),
                net.jqwik.api.Tuple.of(10, Arbitraries.integers().between(1, 5000)),
                net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(60_000, 300_000)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1_000_000, 3_000_000)));
        Arbitrary<FileSpec> specs = Combinators.combine(sizes, Arbitraries.of(1, 4, 256), Arbitraries.longs())
                .as(FileSpec::new);
        return Arbitraries.maps(names, specs).ofMaxSize(40);
    }
}
