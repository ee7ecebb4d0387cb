package dev.ssi.system;

import dev.ssi.cli.SsiCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** The real ssi command, run in this JVM (one JVM per call would cost a pool's CPU), its output caught. */
public final class SsiInThisJvm {
    private SsiInThisJvm() {}

    /** What one ssi command said: its exit status, its standard output, its errors and usage. */
    public record Run(int status, String out, String err) {}

    public static Run ssi(String... args) {
        PrintStream realOut = System.out;
        PrintStream realErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        StringWriter usage = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = new CommandLine(new SsiCommand()).setErr(new PrintWriter(usage, true)).execute(args);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8) + usage);
        } finally {
            System.setOut(realOut);
            System.setErr(realErr);
        }
    }
}
