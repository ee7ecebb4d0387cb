package dev.ssi.pool;

import dev.ssi.daemon.balance.LinkRate;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code ssi-pool up | status | down | exec}: a local pool of network-namespace hosts on this machine. */
@Command(name = "pool", mixinStandardHelpOptions = true,
        description = "A pool in a box: hosts in network namespaces on this machine, joined by a bridge.",
        subcommands = {PoolCommand.Up.class, PoolCommand.Status.class, PoolCommand.Down.class, PoolCommand.Exec.class,
                PoolCommand.Restart.class})
public final class PoolCommand implements Runnable {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line; returns the exit status (2 for a bad command line, 1 for a failure). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new PoolCommand())
                .setOut(out)
                .setErr(err)
                .setExecutionExceptionHandler(failuresAs("ssi-pool"));
        int status = commandLine.execute(args);
        commandLine.getOut().flush();
        commandLine.getErr().flush();
        return status;
    }

    /** Reports a pool's failure as "PROGRAM: what is wrong" and exit status 1; anything else goes on up. */
    public static IExecutionExceptionHandler failuresAs(String program) {
        return (e, failed, parsed) -> {
            if (e instanceof PoolException) {
                failed.getErr().println(program + ": " + e.getMessage());
                return 1;
            }
            throw e;
        };
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: up, status, down or exec");
    }

    static final class PoolDir {
        @Option(names = "--pool-dir", paramLabel = "DIR", description = "The pool's directory (default: ${DEFAULT-VALUE}).")
        Path dir = LocalPool.DEFAULT_DIR;
    }

    static final class RateConverter implements ITypeConverter<LinkRate> {
        @Override
        public LinkRate convert(String value) {
            try {
                return LinkRate.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    @Command(name = "up", description = "Makes a pool of N hosts and starts an ssid on each and on this workstation.")
    static final class Up implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "N", description = "How many hosts.")
        int hosts;

        @Option(names = "--cpus-per-host", paramLabel = "C", description = "Cores each host stands for (its CPU quota; default 1).")
        double cpusPerHost = 1;

        @Option(names = "--workstation-cpus", paramLabel = "C",
                description = "Cores the workstation stands for (its ssid's CPU quota; default: the machine's, uncapped).")
        Double workstationCpus;

        @Option(names = "--link", paramLabel = "RATE", converter = RateConverter.class,
                description = "Shape each host's link to RATE each way, e.g. 1gbit (default: unshaped).")
        LinkRate link;

        @Mixin
        PoolDir pool;

        @Override
        public Integer call() {
            check("N", () -> PoolSpec.checkHosts(hosts));
            check("option '--cpus-per-host'", () -> PoolSpec.checkCpusPerHost(cpusPerHost));
            if (workstationCpus != null) {
                check("option '--workstation-cpus'", () -> PoolSpec.checkCpusPerHost(workstationCpus));
            }
            LocalPool made = LocalPool.up(pool.dir, new PoolSpec(hosts, cpusPerHost, Optional.ofNullable(link),
                    Optional.ofNullable(workstationCpus)));
            try {
                PoolDaemons.start(made);
            } catch (RuntimeException e) {
                made.down();
                throw e;
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(StatusReport.text(made, made.status()));
            out.println("ssi-run and ssi talk to the workstation's ssid with: export SSI_SOCKET="
                    + PoolDaemons.node(made, LocalPool.WORKSTATION).socket());
            return 0;
        }

        private void check(String what, Runnable check) {
            try {
                check.run();
            } catch (PoolException e) {
                throw new ParameterException(spec.commandLine(), "Invalid value for " + what + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "status", description = "Lists the pool's hosts and whether their ssids run.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "As JSON.")
        boolean json;

        @Mixin
        PoolDir pool;

        @Override
        public Integer call() {
            Optional<LocalPool> found = LocalPool.open(pool.dir);
            if (found.isEmpty()) {
                spec.commandLine().getOut().println(json ? "null" : "no pool in " + pool.dir.toAbsolutePath());
                return 0;
            }
            LocalPool local = found.get();
            PrintWriter out = spec.commandLine().getOut();
            out.print(json ? StatusReport.json(local, local.status()) + System.lineSeparator()
                    : StatusReport.text(local, local.status()));
            out.flush();
            return 0;
        }
    }

    @Command(name = "down", description = "Stops the pool's ssids and removes everything it made, even after a crash.")
    static final class Down implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--id", paramLabel = "ID", description = "Take down the pool of this id (e.g. p3) instead, wherever its directory was.")
        String id;

        @Mixin
        PoolDir pool;

        @Override
        public Integer call() {
            List<String> removed;
            if (id != null) {
                LocalPool.downById(id);
                removed = List.of(id);
            } else {
                removed = LocalPool.down(pool.dir);
            }
            spec.commandLine().getOut().println(removed.isEmpty()
                    ? "no pool in " + pool.dir.toAbsolutePath() + "; nothing to take down"
                    : "pool " + String.join(", ", removed) + " is down");
            return 0;
        }
    }

    @Command(name = "exec", description = "Runs CMD inside HOST: in its network namespace and its cgroup.")
    static final class Exec implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "HOST", description = "A host of the pool, e.g. h1.")
        String host;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "CMD", description = "The command; put -- before it.")
        List<String> command;

        @Mixin
        PoolDir pool;

        @Override
        public Integer call() throws Exception {
            LocalPool local = LocalPool.open(pool.dir)
                    .orElseThrow(() -> new PoolException("no pool in " + pool.dir.toAbsolutePath()));
            return local.processIn(host, command).inheritIO().start().waitFor();
        }
    }

    @Command(name = "restart", description = "Starts a node's ssid again (after a crash, or kills it first with --kill); "
            + "it takes over the jobs it hosted.")
    static final class Restart implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NODE", description = "ws or a host of the pool, e.g. h1.")
        String node;

        @Option(names = "--kill", description = "Kill its ssid first (SIGKILL), as a crash would.")
        boolean kill;

        @Mixin
        PoolDir pool;

        @Override
        public Integer call() {
            LocalPool local = LocalPool.open(pool.dir)
                    .orElseThrow(() -> new PoolException("no pool in " + pool.dir.toAbsolutePath()));
            PoolNode target = PoolDaemons.node(local, node);
            if (kill) {
                PoolDaemons.kill(target);
            }
            PoolDaemons.restart(local, node, java.util.Map.of());
            spec.commandLine().getOut().println("the ssid of " + node + " runs again (pid "
                    + PoolDaemons.running(target).map(ProcessHandle::pid).orElse(0L) + ")");
            return 0;
        }
    }
}
