package dev.ssi.guest;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** What a hypervisor host keeps of a guest it runs, in the guest's directory: enough to find it again. */
record GuestRecord(GuestSpec spec, GuestCpu cpu, String cgroup) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static GuestRecord read(Path file) {
        try {
            return JSON.readValue(file.toFile(), GuestRecord.class);
        } catch (IOException e) {
            throw new GuestException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    GuestRecord withCpu(GuestCpu newCpu) {
        return new GuestRecord(spec, newCpu, cgroup);
    }

    void write(Path file) {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            JSON.writeValue(temporary.toFile(), this);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new GuestException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
