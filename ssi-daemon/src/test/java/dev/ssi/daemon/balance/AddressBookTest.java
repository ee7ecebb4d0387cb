package dev.ssi.daemon.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssi.scheduler.NodeName;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AddressBookTest {
    private static final NodeName A = new NodeName("a");
    private static final NodeName B = new NodeName("b");

    private static InetSocketAddress at(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    @Test
    void othersMayTellAnUnknownNodeButNeverRepointAKnownOne() {
        AddressBook book = new AddressBook(16, 60_000);
        assertTrue(book.fromOthers(A, at(1), 0));

        assertFalse(book.fromOthers(A, at(9), 1));
        assertTrue(book.knowsOtherwise(A, at(9)));
        assertEquals(Optional.of(at(1)), book.of(A));
    }

    @Test
    void aNodeMovesItsOwnAddressConfiguredOrNot() {
        AddressBook book = new AddressBook(16, 60_000);
        book.configured(A, at(1));
        book.fromOthers(B, at(2), 0);

        assertTrue(book.fromItself(A, at(3), 1));
        assertTrue(book.fromItself(B, at(4), 1));
        assertEquals(Optional.of(at(3)), book.of(A));
        assertEquals(Optional.of(at(4)), book.of(B));
    }

    @Test
    void aHundredThousandEntriesFillItOnlyToItsBound() {
        AddressBook book = new AddressBook(256, 60_000);
        for (int i = 0; i < 100_000; i++) {
            book.fromOthers(new NodeName("n" + i), at(1 + i % 60_000), 0);
        }
        assertEquals(256, book.size());
        assertFalse(book.fromItself(new NodeName("late"), at(5), 0), "a full book takes no new node");
    }

    @Test
    void nodesNotMentionedForTooLongAreForgottenButConfiguredOnesKept() {
        AddressBook book = new AddressBook(16, 60_000);
        book.configured(A, at(1));
        book.fromOthers(B, at(2), 0);

        assertEquals(List.of(), book.expire(60_000));
        book.fromOthers(B, at(2), 30_000);
        assertEquals(List.of(), book.expire(90_000), "mentioned again at 30s, it lives until 90s");
        assertEquals(List.of(B), book.expire(90_001));
        assertEquals(Optional.empty(), book.of(B));
        assertEquals(Optional.of(at(1)), book.of(A));
    }
}
