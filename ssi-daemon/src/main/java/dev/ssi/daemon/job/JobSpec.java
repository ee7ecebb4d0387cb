package dev.ssi.daemon.job;

import java.nio.file.Path;
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
}
