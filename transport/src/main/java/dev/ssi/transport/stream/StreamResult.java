package dev.ssi.transport.stream;

/** What a finished stream carried: files, their bytes, and the bytes that crossed the wire. */
public record StreamResult(int files, long bytes, long wireBytes) {
}
