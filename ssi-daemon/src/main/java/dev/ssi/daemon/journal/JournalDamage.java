package dev.ssi.daemon.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;

/**
 * What a journal's replay could not read, and what that leaves unknown: each entry skipped (where
 * it was and why), and the jobs the journal can no longer account for — those a skipped entry
 * seems to be about, and those whose later entries need earlier ones that are missing.
 */
public record JournalDamage(List<Skipped> skipped, SortedSet<String> unaccounted) {
    public JournalDamage {
        skipped = List.copyOf(skipped);
        unaccounted = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(unaccounted));
    }

    /** One entry, or a stretch of the file, that replay skipped: {@code where} in which file, and why. */
    public record Skipped(String file, long offset, String why, Optional<String> job) {
        @Override
        public String toString() {
            return "skipped the entry at byte " + offset + " of " + file + ": " + why
                    + job.map(j -> " (it seems to be about job " + j + ")").orElse("");
        }
    }

    public static JournalDamage none() {
        return new JournalDamage(List.of(), new java.util.TreeSet<>());
    }

    public boolean isEmpty() {
        return skipped.isEmpty() && unaccounted.isEmpty();
    }

    /** One line per skipped entry, then one naming the jobs unaccounted for: what ssid says when it starts. */
    public List<String> report() {
        List<String> lines = new ArrayList<>();
        skipped.forEach(s -> lines.add("journal: " + s));
        if (!unaccounted.isEmpty()) {
            lines.add("journal: cannot account for job" + (unaccounted.size() == 1 ? " " : "s ")
                    + String.join(", ", unaccounted) + ": what the skipped entries said of them is lost");
        }
        return lines;
    }
}
