package dev.ssi.transport;

import java.nio.charset.StandardCharsets;

/** Turns a message of type T into bytes for the wire and back. */
public interface Codec<T> {
    byte[] encode(T value);

    /** Throws IllegalArgumentException when the bytes are not a valid T. */
    T decode(byte[] bytes);

    Codec<byte[]> BYTES = new Codec<>() {
        @Override
        public byte[] encode(byte[] value) {
            return value;
        }

        @Override
        public byte[] decode(byte[] bytes) {
            return bytes;
        }
    };

    Codec<String> UTF8 = new Codec<>() {
        @Override
        public byte[] encode(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    };
}
