package dev.ssi.transport.connection;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes files the way CRIU writes its images: each created, then appended to in pieces, the
 * files interleaved, with short pauses, so that a stream following the directory meets files
 * at every stage.
 */
final class GrowingWriter {
    private static final int LARGEST_PIECE = 150_000;

    private GrowingWriter() {}

    static void write(Path directory, Map<String, byte[]> files, Random random) throws IOException,
            InterruptedException {
        List<String> unfinished = new ArrayList<>(files.keySet());
        Map<String, Integer> written = new HashMap<>();
        while (!unfinished.isEmpty()) {
            String name = unfinished.get(random.nextInt(unfinished.size()));
            byte[] bytes = files.get(name);
            int from = written.getOrDefault(name, 0);
            int piece = Math.min(bytes.length - from, 1 + random.nextInt(LARGEST_PIECE));
            try (OutputStream out = Files.newOutputStream(directory.resolve(name), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                out.write(bytes, from, piece);
            }
            written.put(name, from + piece);
            if (from + piece == bytes.length) {
                unfinished.remove(name);
            }
            if (random.nextInt(4) == 0) {
                Thread.sleep(1);
            }
        }
    }
}
