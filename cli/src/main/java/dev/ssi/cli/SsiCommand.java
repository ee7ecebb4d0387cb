package dev.ssi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ssi.daemon.control.ControlFrame.Payload;
import dev.ssi.daemon.control.ControlFrame.Type;
import dev.ssi.guest.GuestCommand;
import dev.ssi.pool.PoolCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ssi}: the pool's admin command. Each subcommand asks the local ssid over its control socket. */
@Command(name = "ssi", mixinStandardHelpOptions = true, description = "Administers an ssi pool.",
        subcommands = {SsiCommand.Nodes.class, SsiCommand.Ps.class, SsiCommand.Migrate.class, SsiCommand.Home.class,
                SsiCommand.Freeze.class, SsiCommand.Thaw.class, SsiCommand.Kill.class, SsiCommand.Drain.class,
                SsiCommand.Undrain.class, SsiCommand.Host.class, PoolCommand.class, GuestCommand.class})
public final class SsiCommand implements Runnable {
    private static final List<String> MOVED_COLUMNS = List.of("job", "where", "total_ms", "frozen_ms", "image_bytes");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SsiCommand()).setExecutionExceptionHandler(PoolCommand.failuresAs("ssi"))
                .execute(args));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: " + spec.subcommands().keySet());
    }

    /** Where ssid listens, and whether to answer in JSON. */
    static final class Common {
        @Option(names = "--socket", description = "ssid's control socket (default: $SSI_SOCKET or /run/ssi/ssid.sock)")
        Path socket = Path.of(System.getenv().getOrDefault("SSI_SOCKET", "/run/ssi/ssid.sock"));

        @Option(names = "--json", description = "answer in JSON")
        boolean json;

        int print(JsonNode answer, List<String> columns) {
            if (json) {
                System.out.println(answer.toString());
                return 0;
            }
            List<JsonNode> rows = answer.isArray() ? List.copyOf(iterable(answer)) : List.of(answer);
            StringBuilder table = new StringBuilder();
            int[] widths = columns.stream().mapToInt(String::length).toArray();
            for (JsonNode row : rows) {
                for (int i = 0; i < columns.size(); i++) {
                    widths[i] = Math.max(widths[i], cell(row, columns.get(i)).length());
                }
            }
            appendRow(table, widths, columns);
            for (JsonNode row : rows) {
                appendRow(table, widths, columns.stream().map(c -> cell(row, c)).toList());
            }
            System.out.print(table);
            return 0;
        }

        /** A field as text; null (nothing known) as "-". */
        private static String cell(JsonNode row, String column) {
            JsonNode value = row.path(column);
            return value.isNull() ? "-" : value.asText();
        }

        private static List<JsonNode> iterable(JsonNode array) {
            List<JsonNode> all = new java.util.ArrayList<>();
            array.forEach(all::add);
            return all;
        }

        private static void appendRow(StringBuilder table, int[] widths, List<String> cells) {
            for (int i = 0; i < cells.size(); i++) {
                String cell = cells.get(i);
                table.append(i == cells.size() - 1 ? cell : cell + " ".repeat(widths[i] - cell.length() + 2));
            }
            table.append('\n');
        }

        JsonNode ask(Type type, Payload request) throws IOException {
            return new ControlClient(socket).ask(type, request);
        }
    }

    /** Runs an admin call, turning ssid's refusal into "ssi: reason" and exit status 1. */
    abstract static class AdminCall implements Callable<Integer> {
        @Mixin
        Common common;

        @Override
        public Integer call() {
            try {
                return run();
            } catch (IOException e) {
                System.err.println("ssi: " + e.getMessage());
                return 1;
            }
        }

        abstract int run() throws IOException;
    }

    @Command(name = "nodes", description = "Lists the nodes this node knows, with what it knows of their load and how "
            + "old that is (age_s): CPUs, speed, runnable home and guest jobs, the owner's load, whether it takes guests, and its "
            + "terms for guests: guests here of the most it takes, their nice level (this node only), their CPU quota "
            + "(for other nodes: the CPU their guests get while the owner works), whose jobs it takes (*: everyone).")
    static final class Nodes extends AdminCall {
        @Override
        int run() throws IOException {
            return common.print(common.ask(Type.NODES, new Payload()), List.of("node", "address", "state", "age_s", "cpus",
                    "speed", "home_jobs", "guest_jobs", "owner_load", "accepting", "mode", "reclaimed_by", "free_mb", "guests",
                    "nice", "cpu_max", "users"));
        }
    }

    @Command(name = "ps", description = "Lists the jobs whose home is this node, and where each runs.")
    static final class Ps extends AdminCall {
        @Override
        int run() throws IOException {
            return common.print(common.ask(Type.PS, new Payload()),
                    List.of("job", "user", "where", "state", "since", "migrations", "pinned", "command"));
        }
    }

    @Command(name = "migrate", description = "Moves JOB to NODE.")
    static final class Migrate extends AdminCall {
        @Parameters(index = "0", paramLabel = "JOB")
        String job;

        @Parameters(index = "1", paramLabel = "NODE")
        String node;

        @Override
        int run() throws IOException {
            return common.print(common.ask(Type.MIGRATE, new Payload().string(job).string(node)), MOVED_COLUMNS);
        }
    }

    @Command(name = "home", description = "Brings JOB back to its home, this node.")
    static final class Home extends AdminCall {
        @Parameters(index = "0", paramLabel = "JOB")
        String job;

        @Override
        int run() throws IOException {
            String self = null;
            for (JsonNode n : common.ask(Type.NODES, new Payload())) {
                if (n.path("self").asBoolean()) {
                    self = n.path("node").asText();
                }
            }
            return common.print(common.ask(Type.MIGRATE, new Payload().string(job).string(self)), MOVED_COLUMNS);
        }
    }

    @Command(name = "freeze", description = "Sends JOB, running on another node, back to this node, its home, and "
            + "keeps it frozen on disk here until ssi thaw.")
    static final class Freeze extends AdminCall {
        @Parameters(index = "0", paramLabel = "JOB")
        String job;

        @Override
        int run() throws IOException {
            return common.print(common.ask(Type.FREEZE, new Payload().string(job)), MOVED_COLUMNS);
        }
    }

    @Command(name = "thaw", description = "Lets JOB, frozen here, its home, run again, here; balancing may move it on.")
    static final class Thaw extends AdminCall {
        @Parameters(index = "0", paramLabel = "JOB")
        String job;

        @Override
        int run() throws IOException {
            return common.print(common.ask(Type.THAW, new Payload().string(job)), List.of("job", "where", "state"));
        }
    }

    @Command(name = "kill", description = "Kills JOB wherever it runs.")
    static final class Kill extends AdminCall {
        @Parameters(index = "0", paramLabel = "JOB")
        String job;

        @Override
        int run() throws IOException {
            return common.print(common.ask(Type.KILL, new Payload().string(job)), List.of("job", "killed"));
        }
    }

    @Command(name = "drain", description = "Takes this host back from guests: it takes no more, and sends those it "
            + "has to other nodes (or frozen at their homes, where no node takes them). Jobs whose home is here stay.")
    static final class Drain extends AdminCall {
        @Override
        int run() throws IOException {
            return common.print(common.ask(Type.DRAIN, new Payload().u32(1)), List.of("node", "drained"));
        }
    }

    @Command(name = "undrain", description = "Lets this host take guests again (once its owner is away).")
    static final class Undrain extends AdminCall {
        @Override
        int run() throws IOException {
            return common.print(common.ask(Type.DRAIN, new Payload().u32(0)), List.of("node", "drained"));
        }
    }

    @Command(name = "host", description = "Shows this host's terms for guest jobs (guests.* keys), the cgroup its "
            + "guests run in, and its reclaim rules (reclaim.* keys).", subcommands = HostSet.class)
    static final class Host extends AdminCall {
        @Override
        int run() throws IOException {
            return common.print(common.ask(Type.HOST, new Payload().u32(0)), HOST_COLUMNS);
        }
    }

    private static final List<String> HOST_COLUMNS = List.of("node", "guests", "guests.max", "guests.nice",
            "guests.cpu-weight", "guests.cpu-max", "guests.memory-max", "guests.users", "guests.accepting", "guests.offer-timeout", "cgroup",
            "reclaim.owner-load", "reclaim.input", "reclaim.schedule", "reclaim.idle-after", "reclaim.deadline");

    @Command(name = "set", description = {"Changes this host's terms for guest jobs now, for the guests already here "
            + "too: e.g. ssi host set guests.cpu-max=0.5 guests.nice=10. The change lasts until ssid stops: it is not "
            + "written to the configuration file.", "Keys: guests.max, guests.nice (0..19), guests.cpu-weight "
            + "(1..10000, cgroup v2 scale), guests.cpu-max (CPUs, or none), guests.memory-max (e.g. 4G, or none), "
            + "guests.users (comma-separated; empty: everyone), guests.accepting (true or false), guests.offer-timeout (e.g. 5m); and the reclaim rules, "
            + "reclaim.owner-load, reclaim.input, reclaim.schedule (e.g. 'Mon-Fri 08:00-18:00', or off), reclaim.idle-after, "
            + "reclaim.deadline and the other reclaim.* keys of the configuration. The other keys are read from the "
            + "configuration file when ssid starts."})
    static final class HostSet extends AdminCall {
        @Parameters(paramLabel = "KEY=VALUE", arity = "1..*")
        List<String> settings;

        @Override
        int run() throws IOException {
            Payload request = new Payload().u32(settings.size());
            for (String setting : settings) {
                int equals = setting.indexOf('=');
                if (equals < 1) {
                    System.err.println("ssi: '" + setting + "' is not KEY=VALUE");
                    return 2;
                }
                request.string(setting.substring(0, equals).strip()).string(setting.substring(equals + 1).strip());
            }
            return common.print(common.ask(Type.HOST, request), HOST_COLUMNS);
        }
    }
}
