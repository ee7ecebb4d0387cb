package dev.ssi.daemon.balance.input;

import java.util.OptionalLong;

/** One place where the owner's keyboard or mouse leaves a trace. */
interface InputSource extends AutoCloseable {
    /** When, in milliseconds since the epoch, this source last saw input; empty if it never did. */
    OptionalLong lastInputMillis();

    @Override
    default void close() {}
}
