package dev.ssi.daemon.balance.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the threads of one process are doing: how many are runnable now, and how long in all they
 * have wanted a CPU — the time they ran plus the time they waited runnable, from
 * {@code schedstat}. Waiting counts the time a CPU quota held them back, so a CPU-bound thread
 * throttled to a fifth of a core still wants the CPU all the time.
 *
 * @param runnable     threads in state R
 * @param wantedNanos  run time plus run-queue wait of every thread, since each started
 */
public record ThreadDemand(int runnable, long wantedNanos) {
    public static final ThreadDemand NONE = new ThreadDemand(0, 0);

    /** The threads of {@code pid}; none when it has gone. */
    public static ThreadDemand of(int pid) {
        int runnable = 0;
        long wanted = 0;
        Path tasks = ProcessTable.PROC.resolve(Integer.toString(pid)).resolve("task");
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                if (ProcStat.read(thread.resolve("stat")).map(ProcStat::runnable).orElse(false)) {
                    runnable++;
                }
                wanted += wantedNanos(thread.resolve("schedstat"));
            }
        } catch (IOException e) {
            return NONE;
        }
        return new ThreadDemand(runnable, wanted);
    }

    public ThreadDemand plus(ThreadDemand other) {
        return new ThreadDemand(runnable + other.runnable, wantedNanos + other.wantedNanos);
    }

    /** {@code schedstat} is "run-nanos wait-nanos timeslices"; a thread that has gone wanted nothing more. */
    static long wantedNanos(Path schedstat) {
        try {
            String[] fields = Files.readString(schedstat).trim().split(" ");
            return Long.parseLong(fields[0]) + Long.parseLong(fields[1]);
        } catch (IOException e) {
            return 0;
        }
    }
}
