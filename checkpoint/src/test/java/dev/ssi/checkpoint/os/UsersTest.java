package dev.ssi.checkpoint.os;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Accounts as the user database has them: the same ids and groups as id(1) says. */
class UsersTest {
    @Test
    void anAccountHasTheIdsAndGroupsIdSays() throws Exception {
        for (String name : List.of("root", "nobody", "daemon")) {
            Users.Account account = Users.named(name).orElseThrow();
            assertEquals(Integer.parseInt(id("-u", name)), account.uid(), name);
            assertEquals(Integer.parseInt(id("-g", name)), account.gid(), name);
            assertEquals(Arrays.stream(id("-G", name).split(" ")).map(Integer::valueOf).sorted().toList(),
                    account.groups().stream().sorted().toList(), name);
        }
    }

    @Test
    void aNameNoOneHasHasNoAccount() {
        assertEquals(Optional.empty(), Users.named("no-such-user-anywhere"));
    }

    private static String id(String what, String name) throws Exception {
        Process id = new ProcessBuilder("id", what, name).start();
        String out = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, id.waitFor());
        return out;
    }
}
