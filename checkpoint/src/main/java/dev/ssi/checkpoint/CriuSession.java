package dev.ssi.checkpoint;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ssi.checkpoint.os.OsException;
import dev.ssi.checkpoint.os.Processes;
import dev.ssi.checkpoint.os.SeqPacketSocket;
import dev.ssi.checkpoint.os.Spawn;
import dev.ssi.checkpoint.rpc.CriuRpc.Req;
import dev.ssi.checkpoint.rpc.CriuRpc.ReqType;
import dev.ssi.checkpoint.rpc.CriuRpc.Resp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code criu swrk} process and its SEQPACKET socket: requests out, responses and notify
 * callbacks in, one protobuf message per datagram. Closing it always leaves no CRIU behind.
 */
final class CriuSession implements AutoCloseable {
    /** criu's own descriptor for the socket, as runc does it. */
    private static final int SWRK_FD = 3;
    private static final long EXIT_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);
    /**
     * CRIU's switch (fault code 130) to leave the parasite by tracing syscalls instead of through
     * a hardware breakpoint. In some VMs (Firecracker among them) debug-register breakpoints never
     * fire, and CRIU would wait for that trap forever; the syscall path works everywhere.
     */
    static final Map<String, String> NO_BREAKPOINTS = Map.of("CRIU_FAULT", "130");

    private final SeqPacketSocket socket;
    private final int criuPid;
    private final String step;

    private CriuSession(SeqPacketSocket socket, int criuPid, String step) {
        this.socket = socket;
        this.criuPid = criuPid;
        this.step = step;
    }

    /**
     * Starts {@code criu swrk}; {@code inherited} maps descriptor numbers in criu's table to
     * ours, for inherit_fd, which names descriptors that must exist when criu starts.
     */
    static CriuSession start(Path criu, String step, Map<Integer, Integer> inherited, Duration answerTimeout)
            throws CriuException {
        SeqPacketSocket[] pair;
        try {
            pair = SeqPacketSocket.pair();
        } catch (OsException e) {
            throw new CriuException(step, "cannot make CRIU's socket", e);
        }
        SeqPacketSocket ours = pair[0];
        SeqPacketSocket theirs = pair[1];
        try {
            ours.receiveTimeout(answerTimeout);
            Map<String, String> environment = new java.util.HashMap<>(System.getenv());
            environment.putAll(NO_BREAKPOINTS);
            Spawn spawn = Spawn.of(criu.toString(), "swrk", Integer.toString(SWRK_FD)).fd(SWRK_FD, theirs.fd())
                    .environment(environment);
            inherited.forEach(spawn::fd);
            int pid = spawn.start();
            return new CriuSession(ours, pid, step);
        } catch (OsException e) {
            ours.close();
            throw new CriuException(step, "cannot start CRIU (" + criu + ")", e);
        } finally {
            theirs.close();
        }
    }

    /** Sends a request and returns CRIU's final response, answering notify callbacks on the way. */
    Resp call(Req request, NotifyHandler notifications, Path log) throws CriuException {
        send(request, log);
        while (true) {
            Resp resp = receive(log);
            if (resp.getType() != ReqType.NOTIFY) {
                return resp;
            }
            boolean ok = notifications.onNotify(resp.getNotify().getScript(), resp.getNotify().getPid());
            send(Req.newBuilder().setType(ReqType.NOTIFY).setNotifySuccess(ok).build(), log);
        }
    }

    /** Sends the next request of a multi-request exchange (pre-dump iterations). */
    void send(Req request, Path log) throws CriuException {
        try {
            socket.send(request.toByteArray());
        } catch (OsException e) {
            throw failure("CRIU stopped listening", log, e);
        }
    }

    Resp receive(Path log) throws CriuException {
        byte[] datagram;
        try {
            datagram = socket.receive();
        } catch (SeqPacketSocket.ReceiveTimeoutException e) {
            throw failure("CRIU gave no answer in time; it is killed", log, null);
        } catch (OsException e) {
            throw failure("cannot read CRIU's answer", log, e);
        }
        if (datagram == null) {
            throw failure("CRIU exited without answering", log, null);
        }
        try {
            return Resp.parseFrom(datagram);
        } catch (InvalidProtocolBufferException e) {
            throw failure("unreadable answer from CRIU", log, e);
        }
    }

    private CriuException failure(String reason, Path log, Exception cause) {
        CriuException e = new CriuException(step, cause == null ? reason : reason + ": " + cause.getMessage(), 0,
                log == null ? List.of() : CriuLogTail.of(log));
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    /** Closes the socket, which ends swrk; a CRIU that does not end soon is killed. */
    @Override
    public void close() {
        socket.close();
        long deadline = System.nanoTime() + EXIT_GRACE_NANOS;
        try {
            while (Processes.poll(criuPid).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    Processes.killAndReap(criuPid);
                    return;
                }
                Thread.sleep(2);
            }
        } catch (OsException e) {
            Processes.killAndReap(criuPid);
        } catch (InterruptedException e) {
            Processes.killAndReap(criuPid);
            Thread.currentThread().interrupt();
        }
    }

    /** Answers CRIU's notify callbacks ("post-dump", "pre-resume", …): true to go on. */
    @FunctionalInterface
    interface NotifyHandler {
        NotifyHandler ACKNOWLEDGE_ALL = (script, pid) -> true;

        boolean onNotify(String script, int pid);
    }
}
