package dev.ssi.daemon.balance.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** The whole machine: its CPUs, and every runnable thread on it that is not ssi's. */
final class MachineScope implements Scope {
    @Override
    public double cpus() {
        return Runtime.getRuntime().availableProcessors();
    }

    @Override
    public int ownerRunnable(ProcessTable table, int ssid) {
        int ssis = 0;
        for (ProcStat process : table.tree(ssid)) {
            ssis += ThreadDemand.of(process.pid()).runnable();
        }
        return Math.max(0, runningOnMachine() - ssis);
    }

    /** procs_running of /proc/stat: the threads runnable now on all CPUs. */
    private static int runningOnMachine() {
        try {
            return Files.readAllLines(ProcessTable.PROC.resolve("stat")).stream()
                    .filter(line -> line.startsWith("procs_running "))
                    .mapToInt(line -> Integer.parseInt(line.substring("procs_running ".length()).trim()))
                    .findFirst().orElse(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/stat", e);
        }
    }
}
