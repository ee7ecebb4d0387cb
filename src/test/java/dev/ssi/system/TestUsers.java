package dev.ssi.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Unprivileged users made for a test, with names no one else has: created with their own group
 * (and any extra groups asked for), no home and no login shell, and removed again with whatever
 * they own in the system's user database.
 */
final class TestUsers implements AutoCloseable {
    private final List<String> names = new ArrayList<>();

    /** A new user; {@code extraGroups}: existing groups it belongs to as well, comma-separated, or empty. */
    String create(String extraGroups) throws IOException, InterruptedException {
        String name = "ssi" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        List<String> command = new ArrayList<>(List.of("useradd", "--no-create-home", "--user-group",
                "--shell", "/usr/sbin/nologin"));
        if (!extraGroups.isEmpty()) {
            command.addAll(List.of("--groups", extraGroups));
        }
        command.add(name);
        run(command);
        names.add(name);
        return name;
    }

    /** {@code command} as {@code user}: their uid, their group, their groups, and a clean environment. */
    static List<String> as(String user, List<String> command) {
        List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + user,
                "--init-groups", "--reset-env", "--"));
        argv.addAll(command);
        return argv;
    }

    /** What {@code command} run as {@code user} prints; it must succeed. */
    static String output(String user, List<String> command) throws IOException, InterruptedException {
        return run(as(user, command));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(command + " failed: " + out);
        }
        return out;
    }

    /** Removes every user made here (userdel takes their own group with them), as far as it can. */
    @Override
    public void close() throws IOException, InterruptedException {
        IOException failed = null;
        for (String name : names) {
            try {
                run(List.of("userdel", "--force", name));
            } catch (IOException e) {
                failed = e;
            }
            new ProcessBuilder("groupdel", name).start().waitFor();
        }
        names.clear();
        if (failed != null) {
            throw failed;
        }
    }
}
