package dev.ssi.transport.stream;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileNamesTest {
    @ParameterizedTest
    @ValueSource(strings = {"../x", "..", ".", "/etc/passwd", "a/b", "", "x\u0000y", "line\nbreak"})
    void refusesNamesThatCouldLeaveTheStreamDirectory(String name) {
        assertNotNull(FileNames.problemWith(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pages-1.img", "core-4242.img", "..hidden", "x..", "inventory.img"})
    void acceptsPlainNames(String name) {
        assertNull(FileNames.problemWith(name));
    }

    @org.junit.jupiter.api.Test
    void refusesOverlongNames() {
        assertNotNull(FileNames.problemWith("x".repeat(256)));
    }
}
