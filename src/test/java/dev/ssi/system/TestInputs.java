package dev.ssi.system;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Input files for real programs, the same on every run. */
final class TestInputs {
    private TestInputs() {}

    /** Text of made-up words, compressible as prose is. */
    static Path words(Path file, long size) throws IOException {
        Random random = new Random(42);
        List<String> words = IntStream.range(0, 5000)
                .mapToObj(i -> random.ints(2 + random.nextInt(8), 'a', 'z' + 1)
                        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString())
                .toList();
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            for (long written = 0; written < size; ) {
                String line = IntStream.range(0, 8).mapToObj(i -> words.get(random.nextInt(words.size())))
                        .collect(Collectors.joining(" ", "", "\n"));
                out.write(line);
                written += line.length();
            }
        }
        return file;
    }

    /**
     * A random DNA sequence in lines of 60 bases: every short string recurs everywhere, so
     * {@code gzip -9} walks its longest match chains and compresses about a megabyte a second.
     */
    static Path bases(Path file, long size) throws IOException {
        Random random = new Random(7);
        char[] line = new char[61];
        line[60] = '\n';
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            for (long written = 0; written < size; written += line.length) {
                for (int i = 0; i < 60; i++) {
                    line[i] = "ACGT".charAt(random.nextInt(4));
                }
                out.write(line);
            }
        }
        return file;
    }

    /** Lines of a floating-point measurement and an integer id, for {@code sort -g}. */
    static Path measurements(Path file, int lines) throws IOException {
        Random random = new Random(11);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            for (int i = 0; i < lines; i++) {
                out.write(String.format(Locale.ROOT, "%.6e %d\n", (random.nextDouble() - 0.5) * 2e6,
                        random.nextInt(1_000_000_000)));
            }
        }
        return file;
    }
}
