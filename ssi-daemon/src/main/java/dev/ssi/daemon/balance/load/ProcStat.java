package dev.ssi.daemon.balance.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The fields of {@code /proc/PID/stat} (or of one thread's {@code /proc/PID/task/TID/stat}) that
 * load measurement uses. CPU times are in clock ticks; the kernel reports them in USER_HZ, which
 * is 100 on every architecture Linux runs ssi on (x86, arm, riscv, power, s390).
 *
 * @param pid        the process (or thread)
 * @param state      R running or runnable, S sleeping, D in disk wait, T stopped, Z zombie...
 * @param ppid       its parent
 * @param cpuTicks   user and system time of itself and of its children it has waited for
 */
public record ProcStat(int pid, char state, int ppid, long cpuTicks) {
    public static final double TICKS_PER_SECOND = 100;

    /** Parses one stat line; the command name may hold spaces and parentheses, so fields count from the last ')'. */
    public static ProcStat parse(String line) {
        int close = line.lastIndexOf(')');
        if (close < 0 || close + 2 >= line.length()) {
            throw new IllegalArgumentException("not a /proc stat line: " + line);
        }
        // After ")": state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17).
        String[] fields = line.substring(close + 2).trim().split(" ");
        if (fields.length < 15) {
            throw new IllegalArgumentException("short /proc stat line: " + line);
        }
        int pid = Integer.parseInt(line.substring(0, line.indexOf(' ')));
        long ticks = 0;
        for (int field = 11; field <= 14; field++) {
            ticks += Long.parseLong(fields[field]);
        }
        return new ProcStat(pid, fields[0].charAt(0), Integer.parseInt(fields[1]), ticks);
    }

    /** The stat file's contents, or empty when the process has gone meanwhile. */
    public static Optional<ProcStat> read(Path statFile) {
        try {
            return Optional.of(parse(Files.readString(statFile)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public boolean runnable() {
        return state == 'R';
    }

    public double cpuSeconds() {
        return cpuTicks / TICKS_PER_SECOND;
    }
}
