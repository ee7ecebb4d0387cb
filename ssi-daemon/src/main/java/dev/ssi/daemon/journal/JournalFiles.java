package dev.ssi.daemon.journal;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ssi.daemon.journal.JournalDamage.Skipped;
import dev.ssi.daemon.journal.JournalEntries.Entry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The journal's entries as they lie in Chronicle Queue's files, and their replay, which reads
 * those files itself rather than through Chronicle: Chronicle trusts every length it finds, and
 * one flipped bit in a header sends its reader outside the mapped file (the JVM dies of SIGSEGV).
 *
 * <p>An entry is one Chronicle document: {@code 0x00}, the CRC32C of the rest (4 bytes, big
 * endian), then the protobuf {@link Entry}. A document is a 4-byte little-endian header (bit 31:
 * not complete, bit 30: metadata, the rest its length) and its bytes, the next header 4-aligned;
 * zeros where nothing was written. Replay walks the headers, bounds-checked; an entry whose
 * checksum fails, that does not parse, that is cut off by the end of the file or was never
 * finished is skipped and reported, and the walk resumes at the next entry whose checksum holds.
 * Journals written before checksums (their entries start with a protobuf tag, never 0) are read
 * unchecked as before, until the first checksummed entry; the first open rewrites them.
 */
final class JournalFiles {
    private static final int NOT_COMPLETE = 0x8000_0000;
    private static final int META_DATA = 0x4000_0000;
    private static final int LENGTH = 0x3FFF_FFFF;
    private static final byte CHECKSUMMED = 0;
    private static final int PREFIX = 5;
    /** Zeros between two documents that are padding, not a stretch of lost entries. */
    private static final int PADDING = 64;

    private JournalFiles() {}

    static byte[] encode(Entry entry) {
        byte[] payload = entry.toByteArray();
        byte[] record = new byte[PREFIX + payload.length];
        record[0] = CHECKSUMMED;
        ByteBuffer.wrap(record, 1, 4).putInt(crc(payload, 0, payload.length));
        System.arraycopy(payload, 0, record, PREFIX, payload.length);
        return record;
    }

    private static int crc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return (int) crc.getValue();
    }

    /** What a replay read and skipped. */
    record Replay(JournalDamage damage, long entries) {}

    /**
     * Replays the journal in {@code dir} into {@code state} and {@code each}, oldest first; the
     * state tells which entries after a skipped one need earlier ones that are missing.
     */
    static Replay replay(Path dir, JournalState state, Consumer<Entry> each) throws IOException {
        Reader reader = new Reader(state, each);
        List<Path> files;
        try (Stream<Path> listed = Files.list(dir)) {
            files = listed.filter(f -> f.getFileName().toString().endsWith(".cq4")).sorted().toList();
        }
        for (Path file : files) {
            reader.read(file);
        }
        Set<String> unaccounted = new TreeSet<>(reader.orphans);
        reader.skipped.forEach(s -> s.job().filter(reader.seen::contains).ifPresent(unaccounted::add));
        return new Replay(new JournalDamage(reader.skipped, new TreeSet<>(unaccounted)), reader.entries);
    }

    private static final class Reader {
        private final JournalState state;
        private final Consumer<Entry> each;
        final List<Skipped> skipped = new ArrayList<>();
        final Set<String> orphans = new HashSet<>();
        final Set<String> seen = new HashSet<>();
        long entries;
        private boolean checksummed;
        private String name;
        private ByteBuffer bytes;

        Reader(JournalState state, Consumer<Entry> each) {
            this.state = state;
            this.each = each;
        }

        void read(Path file) throws IOException {
            name = file.getFileName().toString();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                if (channel.size() > Integer.MAX_VALUE) {
                    skip(0, "the file is over 2 GiB, more than replay reads", Optional.empty());
                    return;
                }
                MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
                bytes = mapped.order(ByteOrder.LITTLE_ENDIAN);
            }
            int size = bytes.limit();
            int pos = 0;
            while (pos + 4 <= size) {
                int header = bytes.getInt(pos);
                if (header == 0) {
                    // Nothing was written here: the end, unless entries follow a stretch of zeros.
                    int next = nextEntry(pos + 4);
                    if (next < 0) {
                        return;
                    }
                    if (next - pos > PADDING) {
                        skip(pos, (next - pos) + " bytes of zeros among the entries: whatever was written there is lost",
                                Optional.empty());
                    }
                    pos = next;
                    continue;
                }
                int length = header & LENGTH;
                long end = (long) pos + 4 + length;
                if ((header & NOT_COMPLETE) != 0) {
                    if ((header & META_DATA) != 0 && length == 0) {
                        return; // Chronicle's end of a file it rolled from
                    }
                    skip(pos, "its writing never finished", salvage(pos + 4, (int) Math.min(end, size)));
                    pos = resume(pos, end, size);
                    continue;
                }
                if (end > size) {
                    skip(pos, "it is torn: the file ends " + (end - size) + " bytes short of its end",
                            salvage(pos + 4, size));
                    int next = nextEntry(pos + 4);
                    if (next < 0) {
                        return;
                    }
                    pos = next;
                    continue;
                }
                // Chronicle's own documents (its header, its index) are metadata; an entry whose
                // metadata bit flipped is still told by its checksum.
                boolean entry = (header & META_DATA) == 0 || checksummed(pos + 4, length);
                if (entry && !entry(pos, length)) {
                    pos = resume(pos, end, size);
                    continue;
                }
                pos = align(end);
            }
        }

        /** Where to go on after the bad document at {@code pos}: after it if an entry or nothing follows, else the next entry. */
        private int resume(int pos, long end, int size) {
            if (!checksummed) {
                return align(end); // no checksums to find the next entry by: the length is all there is
            }
            int after = align(end);
            if (after + 4 <= size && (bytes.getInt(after) == 0 || entryAt(after))) {
                return after;
            }
            int next = nextEntry(pos + 4);
            return next < 0 ? size : next;
        }

        /** Reads the entry at {@code pos}; false if it was skipped. */
        private boolean entry(int pos, int length) {
            byte[] record = new byte[length];
            bytes.get(pos + 4, record);
            boolean checked = length >= PREFIX && ByteBuffer.wrap(record, 1, 4).getInt() == crc(record, PREFIX, length - PREFIX);
            int from;
            if (checked) {
                from = PREFIX;
                checksummed = true;
            } else if (length > 0 && record[0] != CHECKSUMMED && !checksummed) {
                from = 0; // written before checksums
            } else {
                skip(pos, "its checksum does not match its contents", salvage(pos + 4, pos + 4 + length));
                return false;
            }
            Entry entry;
            try {
                entry = Entry.parseFrom(ByteBuffer.wrap(record, from, length - from));
            } catch (InvalidProtocolBufferException e) {
                skip(pos, "it does not parse: " + e.getMessage(), salvage(pos + 4, pos + 4 + length));
                return false;
            }
            if (entry.getKindCase() == Entry.KindCase.KIND_NOT_SET) {
                skip(pos, "it is an entry of no kind", Optional.empty());
                return false;
            }
            Optional<String> job = JournalState.jobOf(entry);
            job.ifPresent(seen::add);
            if (!skipped.isEmpty()) {
                state.unaccountable(entry).ifPresent(orphans::add);
            }
            state.apply(entry);
            each.accept(entry);
            entries++;
            return true;
        }

        /** Whether a whole checksummed entry starts at {@code pos}. */
        private boolean entryAt(int pos) {
            int header = bytes.getInt(pos);
            return (header & (NOT_COMPLETE | META_DATA)) == 0 && checksummed(pos + 4, header & LENGTH);
        }

        /**
         * Whether the {@code length} bytes at {@code from} are a checksummed entry: 0, a CRC32C that
         * matches, and a protobuf that starts as an Entry does (a kind's tag, length-delimited).
         */
        private boolean checksummed(int from, int length) {
            if (length < PREFIX + 2 || (long) from + length > bytes.limit() || bytes.get(from) != CHECKSUMMED) {
                return false;
            }
            int tag = bytes.get(from + PREFIX) & 0xff;
            if ((tag & 7) != 2 || (tag >> 3) == 0) {
                return false;
            }
            CRC32C crc = new CRC32C();
            crc.update(bytes.slice(from + PREFIX, length - PREFIX));
            int expected = ((bytes.get(from + 1) & 0xff) << 24) | ((bytes.get(from + 2) & 0xff) << 16)
                    | ((bytes.get(from + 3) & 0xff) << 8) | (bytes.get(from + 4) & 0xff);
            return (int) crc.getValue() == expected;
        }

        /** The first 4-aligned position from {@code from} on where a whole checksummed entry starts; -1 if none. */
        private int nextEntry(int from) {
            for (int pos = align(from); pos + 4 + PREFIX <= bytes.limit(); pos += 4) {
                if (bytes.getInt(pos) != 0 && entryAt(pos)) {
                    return pos;
                }
            }
            return -1;
        }

        private void skip(int offset, String why, Optional<String> job) {
            skipped.add(new Skipped(name, offset, why, job));
        }

        /** The job a damaged entry in {@code [from, to)} seems to be about: its kind's field 1, when that reads as a name. */
        private Optional<String> salvage(int from, int to) {
            if (to - from >= PREFIX && bytes.get(from) == CHECKSUMMED) {
                from += PREFIX;
            }
            byte[] record = new byte[Math.max(0, to - from)];
            bytes.get(from, record);
            int[] at = {0};
            long tag = varint(record, at);
            if (tag < 0 || (tag & 7) != 2 || (tag >>> 3) == Entry.SUBMITTED_FIELD_NUMBER) {
                return Optional.empty();
            }
            varint(record, at); // the kind's length: what is there is read, cut off or not
            if (varint(record, at) != ((1 << 3) | 2)) {
                return Optional.empty();
            }
            long length = varint(record, at);
            if (length <= 0 || length > 256 || at[0] + length > record.length) {
                return Optional.empty();
            }
            try {
                String job = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(record, at[0], (int) length)).toString();
                return job.chars().allMatch(c -> c > ' ' && c != 0x7f) ? Optional.of(job) : Optional.empty();
            } catch (CharacterCodingException e) {
                return Optional.empty();
            }
        }

        private static long varint(byte[] bytes, int[] at) {
            long value = 0;
            for (int shift = 0; shift < 64 && at[0] < bytes.length; shift += 7) {
                byte b = bytes[at[0]++];
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            return -1;
        }
    }

    private static int align(long pos) {
        return (int) Math.min(Integer.MAX_VALUE - 3, (pos + 3) & ~3L);
    }
}
