package dev.ssi.transport.stream;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** One regular file of a directory being sent, with the size it had when listed. */
record SourceFile(String name, Path path, long size) {

    /** The regular files of a flat directory, by name; anything else in it is an error. */
    static List<SourceFile> list(Path directory) throws IOException {
        List<SourceFile> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                long size = sizeOfRegular(entry);
                String problem = FileNames.problemWith(name);
                if (problem != null) {
                    throw new IOException(problem);
                }
                files.add(new SourceFile(name, entry, size));
            }
        }
        files.sort(Comparator.comparing(SourceFile::name));
        return files;
    }

    /** The size of {@code entry}, which must be a regular file and no link. */
    static long sizeOfRegular(Path entry) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
            throw new IOException(entry + " is not a regular file; only flat directories of files are sent");
        }
        return attributes.size();
    }
}
