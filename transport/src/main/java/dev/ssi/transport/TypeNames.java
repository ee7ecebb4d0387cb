package dev.ssi.transport;

import java.util.regex.Pattern;

final class TypeNames {
    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9._/-]{1,100}");

    private TypeNames() {
    }

    static void requireValid(String name) {
        if (name == null || !VALID.matcher(name).matches()) {
            throw new IllegalArgumentException("message/call type name must be 1-100 of [a-zA-Z0-9._/-]: " + name);
        }
    }
}
