package dev.ssi.daemon.job;

import dev.ssi.daemon.control.ControlFrame;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What ssi-run asks for: the command, its environment, working directory and umask. */
public record JobSpec(List<String> argv, Map<String, String> environment, Path directory, int umask) {

    public JobSpec {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("no command to run");
        }
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
    }

    /** Reads a SUBMIT frame: argv, "NAME=value" strings, the directory, the umask. */
    public static JobSpec read(ControlFrame.Payload.Reader r) throws IOException {
        List<String> argv = r.strings();
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : r.strings()) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        String dir = r.string();
        int umask = r.u32();
        if (argv.isEmpty()) {
            throw new IOException("no command to run");
        }
        if (!dir.startsWith("/")) {
            throw new IOException("working directory must be absolute: " + dir);
        }
        return new JobSpec(argv, env, Path.of(dir), umask & 0777);
    }
}
