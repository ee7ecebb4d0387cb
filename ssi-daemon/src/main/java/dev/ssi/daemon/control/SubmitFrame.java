package dev.ssi.daemon.control;

import dev.ssi.daemon.job.JobSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The job spec a SUBMIT frame carries. */
final class SubmitFrame {
    private SubmitFrame() {}

    /** Reads a SUBMIT frame: argv, "NAME=value" strings, the directory, the umask. */
    static JobSpec read(ControlFrame.Payload.Reader r) throws IOException {
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
