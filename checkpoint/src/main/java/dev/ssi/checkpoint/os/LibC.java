package dev.ssi.checkpoint.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/** The libc calls Java lacks: descriptors, SEQPACKET sockets, posix_spawn, waitpid, kill, poll, pidfd_open. */
interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int AF_UNIX = 1;
    int SOCK_SEQPACKET = 5;
    int SOCK_CLOEXEC = 0x80000;
    int O_RDONLY = 0;
    int O_RDWR = 2;
    int O_DIRECTORY = 0x10000;
    int O_CLOEXEC = 0x80000;
    int F_DUPFD_CLOEXEC = 1030;
    int MSG_PEEK = 0x2;
    int MSG_TRUNC = 0x20;
    int MSG_CTRUNC = 0x8;
    int MSG_NOSIGNAL = 0x4000;
    int MSG_CMSG_CLOEXEC = 0x40000000;
    int SCM_RIGHTS = 1;
    int EINTR = 4;
    int EAGAIN = 11;
    int SOL_SOCKET = 1;
    int SO_RCVTIMEO = 20;
    int SO_PEERCRED = 17;
    int SO_PEERGROUPS = 59;
    int ERANGE = 34;
    int ECHILD = 10;
    int ESRCH = 3;
    int WNOHANG = 1;
    /** The same number on every Linux architecture (the syscall table was unified at 424). */
    long SYS_PIDFD_OPEN = 434;
    short POSIX_SPAWN_SETSIGDEF = 0x04;
    short POSIX_SPAWN_SETSIGMASK = 0x08;
    /** Generous upper bounds of glibc's opaque posix_spawn types and sigset_t on x86-64. */
    int SPAWN_FILE_ACTIONS_SIZE = 128;
    int SPAWN_ATTR_SIZE = 512;
    int SIGSET_SIZE = 128;

    int socketpair(int domain, int type, int protocol, int[] sv) throws LastErrorException;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int connect(int fd, Pointer address, int length) throws LastErrorException;

    long sendmsg(int fd, Pointer message, int flags) throws LastErrorException;

    long recvmsg(int fd, Pointer message, int flags) throws LastErrorException;

    int pipe2(int[] fds, int flags) throws LastErrorException;

    int open(String path, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int fcntl(int fd, int cmd, int arg) throws LastErrorException;

    long read(int fd, byte[] buf, long count) throws LastErrorException;

    int open(String path, int flags, int mode) throws LastErrorException;

    long pread(int fd, byte[] buf, long count, long offset) throws LastErrorException;

    long lseek(int fd, long offset, int whence) throws LastErrorException;

    /** {@code offOut} is a one-element array: the file offset to write at, advanced by the call. */
    long splice(int fdIn, Pointer offIn, int fdOut, long[] offOut, long len, int flags) throws LastErrorException;

    int fallocate(int fd, int mode, long offset, long len) throws LastErrorException;

    long write(int fd, byte[] buf, long count) throws LastErrorException;

    long send(int fd, byte[] buf, long len, int flags) throws LastErrorException;

    long recv(int fd, byte[] buf, long len, int flags) throws LastErrorException;

    /** For SO_RCVTIMEO: {@code timeval} is {seconds, microseconds}. */
    int setsockopt(int fd, int level, int option, long[] timeval, int length) throws LastErrorException;

    /** For SO_PEERCRED and SO_PEERGROUPS: {@code value} receives the option, {@code length} its size in bytes. */
    int getsockopt(int fd, int level, int option, Pointer value, IntByReference length) throws LastErrorException;

    /** A {@code struct group}, or null when there is no such group. */
    Pointer getgrnam(String name);

    Pointer getpwnam(String name);

    /** -1, with {@code count} set to the number needed, when {@code groups} is too small. */
    int getgrouplist(String user, int group, int[] groups, IntByReference count);

    int waitpid(int pid, int[] status, int options) throws LastErrorException;

    int kill(int pid, int sig) throws LastErrorException;

    /** {@code fds} is an array of {@code struct pollfd} (int fd, short events, short revents). */
    int poll(Pointer fds, long count, int timeoutMillis) throws LastErrorException;

    /** For the calls glibc may lack a wrapper of (pidfd_open before 2.36). */
    long syscall(long number, Object... args) throws LastErrorException;

    /** Returns an error number rather than setting errno. */
    int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attr, String[] argv, String[] envp);

    int posix_spawn_file_actions_init(Pointer actions);

    int posix_spawn_file_actions_destroy(Pointer actions);

    int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newfd);

    int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

    int posix_spawn_file_actions_addchdir_np(Pointer actions, String path);

    int posix_spawnattr_init(Pointer attr);

    int posix_spawnattr_destroy(Pointer attr);

    int posix_spawnattr_setflags(Pointer attr, short flags);

    int posix_spawnattr_setsigmask(Pointer attr, Pointer sigmask);

    int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigdefault);

    int sigemptyset(Pointer set);

    int sigfillset(Pointer set);

    String strerror(int errnum);
}
