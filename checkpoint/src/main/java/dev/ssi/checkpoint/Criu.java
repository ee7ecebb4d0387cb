package dev.ssi.checkpoint;

import dev.ssi.checkpoint.CriuSession.NotifyHandler;
import dev.ssi.checkpoint.os.Descriptors;
import dev.ssi.checkpoint.os.OsException;
import dev.ssi.checkpoint.os.OwnerOnly;
import dev.ssi.checkpoint.os.Processes;
import dev.ssi.checkpoint.rpc.CriuRpc.CgroupMode;
import dev.ssi.checkpoint.rpc.CriuRpc.Features;
import dev.ssi.checkpoint.rpc.CriuRpc.InheritFd;
import dev.ssi.checkpoint.rpc.CriuRpc.Opts;
import dev.ssi.checkpoint.rpc.CriuRpc.Req;
import dev.ssi.checkpoint.rpc.CriuRpc.ReqType;
import dev.ssi.checkpoint.rpc.CriuRpc.Resp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * This node's CRIU, spoken to over its RPC protocol ({@code criu swrk}): version, check,
 * feature probe, fingerprint, dump, pre-dump and restore. Each call runs its own CRIU and
 * leaves none behind, whatever happens.
 */
public final class Criu {
    /** Errors and warnings only: more costs dump time, and the tail of errors is what we show. */
    private static final int LOG_LEVEL = 2;
    /** Where inherited descriptors go in criu's table: clear of stdio and the swrk socket. */
    private static final int INHERITED_FD_BASE = 10;
    private static final String CPUINFO_IMAGE = "cpuinfo.img";

    /** Long enough for a dump of many GiB; a CRIU silent for longer is stuck and is killed. */
    private static final Duration DEFAULT_ANSWER_TIMEOUT = Duration.ofMinutes(5);

    private final Path binary;
    private final Duration answerTimeout;
    private volatile CriuFeatures features;

    private Criu(Path binary, Duration answerTimeout) {
        this.binary = binary;
        this.answerTimeout = answerTimeout;
    }

    /** The node's CRIU, found as {@link CriuBinary} says. */
    public static Criu locate() throws CriuException {
        return new Criu(CriuBinary.locate(), DEFAULT_ANSWER_TIMEOUT);
    }

    public static Criu at(Path binary) {
        return new Criu(binary, DEFAULT_ANSWER_TIMEOUT);
    }

    /** The same CRIU, killed when it stays silent for longer than {@code timeout}. */
    public Criu withAnswerTimeout(Duration timeout) {
        return new Criu(binary, timeout);
    }

    public Path binary() {
        return binary;
    }

    public CriuVersion version() throws CriuException {
        Resp resp = simpleCall("version query", Req.newBuilder().setType(ReqType.VERSION).build());
        var v = resp.getVersion();
        return new CriuVersion(v.getMajorNumber(), v.getMinorNumber(), v.getSublevel());
    }

    /** CRIU's own self-check of the kernel's support ({@code criu check}). */
    public void check() throws CriuException {
        try (ScratchDir dir = ScratchDir.create("CRIU check")) {
            scratchCall("CRIU check", ReqType.CHECK, dir);
        }
    }

    public CriuFeatures features() throws CriuException {
        CriuFeatures known = features;
        if (known == null) {
            Features all = Features.newBuilder().setMemTrack(true).setLazyPages(true).setPidfdStore(true).build();
            Resp resp = simpleCall("feature probe",
                    Req.newBuilder().setType(ReqType.FEATURE_CHECK).setFeatures(all).build());
            Features f = resp.getFeatures();
            known = new CriuFeatures(f.getMemTrack(), f.getLazyPages(), f.getPidfdStore());
            features = known;
        }
        return known;
    }

    public NodeFingerprint fingerprint() throws CriuException {
        CriuVersion version = version();
        byte[] cpuinfo;
        try (ScratchDir dir = ScratchDir.create("CPU info dump")) {
            scratchCall("CPU info dump", ReqType.CPUINFO_DUMP, dir);
            cpuinfo = readFile(dir.path().resolve(CPUINFO_IMAGE));
        }
        return new NodeFingerprint(version, kernelRelease(), cpuinfo, NodeFingerprint.digest(cpuinfo));
    }

    /** Fails unless a job dumped on a CPU with this cpuinfo image can run on this node's CPU. */
    public void checkCpuCompatible(byte[] cpuinfoImage) throws CriuException {
        String step = "CPU compatibility check";
        try (ScratchDir dir = ScratchDir.create(step)) {
            try {
                Files.write(dir.path().resolve(CPUINFO_IMAGE), cpuinfoImage);
            } catch (IOException e) {
                throw new CriuException(step, "cannot write the job's cpuinfo image", e);
            }
            scratchCall(step, ReqType.CPUINFO_CHECK, dir);
        }
    }

    public void dump(DumpSpec spec) throws CriuException {
        dump(spec, DumpHooks.NONE);
    }

    /** Dumps the tree at {@code spec.root()}; {@code hooks} run while it is frozen with complete images. */
    public void dump(DumpSpec spec, DumpHooks hooks) throws CriuException {
        String step = "dump of pid " + spec.root();
        requireProcess(step, spec.root());
        Opts.Builder opts = Opts.newBuilder().setPid(spec.root()).setNotifyScripts(hooks != DumpHooks.NONE)
                .setLeaveRunning(spec.after() == DumpSpec.AfterDump.LEAVE_RUNNING)
                .setLeaveStopped(spec.after() == DumpSpec.AfterDump.LEAVE_STOPPED);
        spec.parentImages().ifPresent(parent -> opts.setTrackMem(true)
                .setParentImg(spec.imagesDir().relativize(parent).toString()));
        AtomicReference<Exception> hookFailure = new AtomicReference<>();
        NotifyHandler onPostDump = (script, pid) -> {
            if (!script.equals("post-dump")) {
                return true;
            }
            try {
                hooks.imagesComplete();
                return true;
            } catch (Exception e) {
                hookFailure.set(e);
                return false;
            }
        };
        try {
            imageCall(step, ReqType.DUMP, spec.imagesDir(), spec.workDir(), opts, "dump.log", Map.of(), onPostDump);
        } catch (CriuException e) {
            resumeQuietly(spec.root());
            if (hookFailure.get() != null) {
                throw new CriuException(step, "aborted while frozen, the tree resumed", hookFailure.get());
            }
            throw e;
        }
    }

    /** A failed dump must not leave the tree stopped, whatever state CRIU died in. */
    private static void resumeQuietly(int root) {
        try {
            Processes.resumeTree(root);
        } catch (OsException ignored) {
            // The tree is gone: nothing is left stopped.
        }
    }

    /** Saves the tree's memory and starts tracking what changes, for a later dump with a parent. */
    public void preDump(DumpSpec spec) throws CriuException {
        String step = "pre-dump of pid " + spec.root();
        if (!features().memoryTracking()) {
            throw new CriuException(step, "memory dirty tracking (soft-dirty) is not available on this node");
        }
        requireProcess(step, spec.root());
        Opts.Builder opts = Opts.newBuilder().setPid(spec.root()).setTrackMem(true);
        spec.parentImages().ifPresent(parent -> opts.setParentImg(spec.imagesDir().relativize(parent).toString()));
        imageCall(step, ReqType.PRE_DUMP, spec.imagesDir(), spec.workDir(), opts, "pre-dump.log", Map.of(),
                NotifyHandler.ACKNOWLEDGE_ALL);
    }

    /**
     * Restores a tree; its root becomes our child. Restored tasks stay in CRIU's own cgroup (the
     * caller places CRIU), since the dumping node's cgroups mean nothing here.
     */
    public RestoredTree restore(RestoreSpec spec) throws CriuException {
        Opts.Builder opts = Opts.newBuilder().setRstSibling(true).setManageCgroupsMode(CgroupMode.CG_IGNORE)
                .setLeaveStopped(spec.stopped());
        Map<Integer, Integer> criuFdToOurs = new HashMap<>();
        int next = INHERITED_FD_BASE;
        for (Map.Entry<String, Integer> e : spec.inherited().entrySet()) {
            opts.addInheritFd(InheritFd.newBuilder().setKey(e.getKey()).setFd(next));
            criuFdToOurs.put(next++, e.getValue());
        }
        // CRIU names the new root early (setup-namespaces); if the restore then fails, it must not outlive the call.
        AtomicInteger root = new AtomicInteger();
        NotifyHandler noteRoot = (script, pid) -> {
            if (pid > 0) {
                root.compareAndSet(0, pid);
            }
            return true;
        };
        opts.setNotifyScripts(true);
        try {
            Resp resp = imageCall("restore from " + spec.imagesDir(), ReqType.RESTORE, spec.imagesDir(),
                    spec.workDir(), opts, "restore.log", criuFdToOurs, noteRoot);
            return new RestoredTree(resp.getRestore().getPid());
        } catch (CriuException e) {
            if (root.get() > 0) {
                Processes.killAndReap(root.get());
            }
            throw e;
        }
    }

    private Resp imageCall(String step, ReqType type, Path imagesDir, Path workDir, Opts.Builder opts, String logName,
            Map<Integer, Integer> inherited, NotifyHandler notifications) throws CriuException {
        int imagesFd = -1;
        int workFd = -1;
        try {
            OwnerOnly.directories(workDir);
            if (type != ReqType.RESTORE) {
                OwnerOnly.directories(imagesDir);
            }
            imagesFd = Descriptors.openDirectory(imagesDir);
            workFd = Descriptors.openDirectory(workDir);
        } catch (IOException e) {
            Descriptors.closeQuietly(imagesFd);
            throw new CriuException(step, "cannot open its directories", e);
        }
        try (CriuSession session = CriuSession.start(binary, step, inherited, answerTimeout)) {
            Req req = Req.newBuilder().setType(type).setOpts(opts.setImagesDirFd(imagesFd).setWorkDirFd(workFd)
                    .setLogLevel(LOG_LEVEL).setLogFile(logName)).build();
            Path log = workDir.resolve(logName);
            return succeeded(step, session.call(req, notifications, log), log);
        } finally {
            Descriptors.closeQuietly(imagesFd);
            Descriptors.closeQuietly(workFd);
        }
    }

    /** A call whose images and work directory are a scratch directory: check and CPU info. */
    private void scratchCall(String step, ReqType type, ScratchDir dir) throws CriuException {
        String logName = type.name().toLowerCase(java.util.Locale.ROOT) + ".log";
        Req req = Req.newBuilder().setType(type).setOpts(Opts.newBuilder().setImagesDirFd(dir.fd())
                .setWorkDirFd(dir.fd()).setLogLevel(LOG_LEVEL).setLogFile(logName)).build();
        simpleCall(step, req, dir.path().resolve(logName));
    }

    private Resp simpleCall(String step, Req req) throws CriuException {
        return simpleCall(step, req, null);
    }

    private Resp simpleCall(String step, Req req, Path log) throws CriuException {
        try (CriuSession session = CriuSession.start(binary, step, Map.of(), answerTimeout)) {
            return succeeded(step, session.call(req, NotifyHandler.ACKNOWLEDGE_ALL, log), log);
        }
    }

    private static Resp succeeded(String step, Resp resp, Path log) throws CriuException {
        if (resp.getSuccess()) {
            return resp;
        }
        String reason = resp.hasCrErrmsg() ? resp.getCrErrmsg().strip() : "CRIU reported failure";
        if (resp.getCrErrno() != 0) {
            reason += " (errno " + resp.getCrErrno() + ")";
        }
        throw new CriuException(step, reason, resp.getCrErrno(), log == null ? java.util.List.of() : CriuLogTail.of(log));
    }

    private static void requireProcess(String step, int pid) throws CriuException {
        if (ProcessHandle.of(pid).isEmpty()) {
            throw new CriuException(step, "no process has pid " + pid);
        }
    }

    private static byte[] readFile(Path file) throws CriuException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CriuException("reading " + file, e.getMessage());
        }
    }

    private static String kernelRelease() throws CriuException {
        return new String(readFile(Path.of("/proc/sys/kernel/osrelease")), java.nio.charset.StandardCharsets.US_ASCII)
                .strip();
    }
}
