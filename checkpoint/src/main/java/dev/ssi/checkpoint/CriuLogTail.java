package dev.ssi.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The lines of a CRIU log worth showing a person: its last errors, or failing those its last lines. */
final class CriuLogTail {
    private static final int LINES = 8;

    private CriuLogTail() {}

    static List<String> of(Path log) {
        List<String> lines;
        try {
            lines = Files.readAllLines(log);
        } catch (IOException e) {
            return List.of();
        }
        List<String> errors = new ArrayList<>();
        for (String line : lines) {
            if (line.contains("Error") || line.contains("error")) {
                errors.add(line.strip());
            }
        }
        List<String> chosen = errors.isEmpty() ? lines : errors;
        return chosen.subList(Math.max(0, chosen.size() - LINES), chosen.size());
    }
}
