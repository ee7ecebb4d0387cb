/*
 * ssi-init: the pid-1 shim of an ssi job.
 *
 *   ssi-init [--umask OCTAL] [--status-fd FD] [--user UID GID GROUPS] [--] CMD [ARGS...]
 *
 * With --user (GROUPS: supplementary group ids, comma-separated, or "-" for none), CMD runs with
 * those credentials from its first instruction: pid 1 forks it, and the child takes them just
 * before it executes CMD. The namespaces are unshared as root first, and pid 1 stays root (it
 * runs nothing but this shim): CRIU's parasite must make a directory in pid 1's working
 * directory, "/", and the job's processes can neither signal nor trace it.
 *
 * The launcher unshares PID, UTS and IPC namespaces and forks the shim, which is pid 1 there.
 * The shim leads its own session (CRIU dumps a PID namespace only from its init, and requires
 * sessions to lead inside it), starts CMD in its own process group, reaps every orphan,
 * forwards SIGINT/SIGTERM/SIGHUP/SIGQUIT/SIGUSR1/SIGUSR2 (and SIGTSTP/SIGCONT, for Ctrl-Z) to
 * CMD's process group, and exits with CMD's status. A namespace's init cannot die of a signal sent to itself, so the shim
 * reports death by signal N as exit status 128+N (the shell's convention); the launcher, an
 * ordinary process, turns that back into death by signal N.
 *
 * With --status-fd, pid 1 writes how CMD ended ("exit CODE\n" or "signal SIG\n") to FD just
 * before it exits, and nobody else keeps FD open: whoever holds the other end of that pipe
 * learns the job's status even when it is not the parent of pid 1 (after a restore elsewhere,
 * or after the daemon that started the job was restarted). End-of-file without a status means
 * pid 1 was killed (SIGKILL from outside is the only signal that can kill it).
 *
 * The launcher keeps no copy of the job's stdio, so whoever reads the job's output sees EOF
 * exactly when the job is gone. Its own status: 125 when it cannot start the shim; the shim
 * exits 127 when CMD is not found and 126 when CMD cannot be executed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SHIM_FAILED 125

static const int forwarded_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGTSTP, SIGCONT};
#define FORWARDED_COUNT (sizeof forwarded_signals / sizeof forwarded_signals[0])

/* Where pid 1 reports the job's end, or -1. */
static int status_fd = -1;

/* Positive: a pid; negative: a process group. */
static volatile sig_atomic_t forward_target;

static void forward(int sig) {
    if (forward_target != 0)
        kill((pid_t)forward_target, sig);
}

static void forwarded_set(sigset_t *set) {
    sigemptyset(set);
    for (size_t i = 0; i < FORWARDED_COUNT; i++)
        sigaddset(set, forwarded_signals[i]);
}

static void set_forwarded_mask(int how) {
    sigset_t set;
    forwarded_set(&set);
    sigprocmask(how, &set, NULL);
}

static void forward_signals_to(pid_t target) {
    forward_target = target;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = forward;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < FORWARDED_COUNT; i++)
        sigaction(forwarded_signals[i], &sa, NULL);
}

static void restore_default_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < FORWARDED_COUNT; i++)
        sigaction(forwarded_signals[i], &sa, NULL);
    set_forwarded_mask(SIG_UNBLOCK);
}

static int exit_code_of(int status) {
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

/* pid 1's end: the status goes to status_fd first, then the exit code that stands for it. */
static void init_exit(int status) {
    if (status_fd >= 0) {
        char line[32];
        int n = WIFEXITED(status) ? snprintf(line, sizeof line, "exit %d\n", WEXITSTATUS(status))
                                  : snprintf(line, sizeof line, "signal %d\n", WTERMSIG(status));
        ssize_t written;
        do {
            written = write(status_fd, line, (size_t)n);
        } while (written < 0 && errno == EINTR);
    }
    _exit(exit_code_of(status));
}

static void init_fail(const char *what) {
    perror(what);
    init_exit(SHIM_FAILED << 8);
}

static void die_of_signal(int sig) {
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    _exit(128 + sig);
}

static pid_t wait_for(pid_t pid, int *status) {
    pid_t got;
    do {
        got = waitpid(pid, status, 0);
    } while (got < 0 && errno == EINTR);
    return got;
}

#define MAX_GROUPS 256

/* The credentials --user asks for. */
struct user {
    uid_t uid;
    gid_t gid;
    gid_t groups[MAX_GROUPS];
    size_t group_count;
};

static int parse_id(const char *text, unsigned *id) {
    char *end;
    errno = 0;
    unsigned long value = strtoul(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value >= 0xffffffffUL)
        return -1;
    *id = (unsigned)value;
    return 0;
}

static int parse_user(char **args, struct user *user) {
    unsigned uid, gid;
    if (parse_id(args[0], &uid) < 0 || parse_id(args[1], &gid) < 0)
        return -1;
    user->uid = uid;
    user->gid = gid;
    user->group_count = 0;
    if (strcmp(args[2], "-") == 0)
        return 0;
    char *list = args[2];
    for (char *next; list != NULL; list = next) {
        next = strchr(list, ',');
        if (next != NULL)
            *next++ = '\0';
        unsigned group;
        if (user->group_count == MAX_GROUPS || parse_id(list, &group) < 0)
            return -1;
        user->groups[user->group_count++] = group;
    }
    return 0;
}

/* Groups first, then the group, then the user: each step needs the root the next one gives up. */
static int become(const struct user *user) {
    if (setgroups(user->group_count, user->groups) < 0 || setresgid(user->gid, user->gid, user->gid) < 0
            || setresuid(user->uid, user->uid, user->uid) < 0)
        return -1;
    if (user->uid != 0 && (setuid(0) == 0 || geteuid() == 0))
        return -1;
    return 0;
}

/* The credentials --user asks CMD to run with, or NULL. */
static const struct user *job_user;

static void exec_job(char **argv) {
    setpgid(0, 0);
    restore_default_signals();
    if (job_user != NULL && become(job_user) < 0) {
        perror("ssi-init: cannot become the job's user");
        _exit(SHIM_FAILED);
    }
    execvp(argv[0], argv);
    int err = errno;
    fprintf(stderr, "ssi-init: cannot run %s: %s\n", argv[0], strerror(err));
    _exit(err == ENOENT ? 127 : 126);
}

/* pid 1 of the job's namespace. */
static void run_init(char **argv) {
    if (setsid() < 0)
        init_fail("ssi-init: setsid");
    pid_t job = fork();
    if (job < 0)
        init_fail("ssi-init: fork");
    if (job == 0)
        exec_job(argv);
    setpgid(job, job);
    /*
     * CRIU's parasite mounts the namespace's /proc at "proc.crtools" in pid 1's working
     * directory: keep that out of the job's directory (shared by other jobs, maybe not even
     * writable by root over NFS) and in a directory every node has.
     */
    if (chdir("/") < 0)
        init_fail("ssi-init: chdir /");
    forward_signals_to(-job);
    set_forwarded_mask(SIG_UNBLOCK);

    for (;;) {
        int status;
        pid_t reaped = wait_for(-1, &status);
        if (reaped == job)
            init_exit(status);
        if (reaped < 0)
            init_fail("ssi-init: waitpid");
    }
}

static void detach_stdio(void) {
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0)
        return;
    for (int fd = 0; fd <= 2; fd++)
        dup2(null_fd, fd);
    close(null_fd);
}

static int usage(void) {
    fprintf(stderr, "usage: ssi-init [--umask OCTAL] [--status-fd FD] [--user UID GID GROUPS] [--] CMD [ARGS...]\n");
    return 2;
}

int main(int argc, char **argv) {
    int first = 1;
    if (first + 1 < argc && strcmp(argv[first], "--umask") == 0) {
        char *end;
        long mask = strtol(argv[first + 1], &end, 8);
        if (*end != '\0' || mask < 0 || mask > 0777) {
            fprintf(stderr, "ssi-init: --umask wants an octal mask, not '%s'\n", argv[first + 1]);
            return 2;
        }
        umask((mode_t)mask);
        first += 2;
    }
    if (first + 1 < argc && strcmp(argv[first], "--status-fd") == 0) {
        char *end;
        long fd = strtol(argv[first + 1], &end, 10);
        if (*end != '\0' || fd < 3 || fd > 1023 || fcntl((int)fd, F_GETFD) < 0) {
            fprintf(stderr, "ssi-init: --status-fd wants an open descriptor above 2, not '%s'\n", argv[first + 1]);
            return 2;
        }
        status_fd = (int)fd;
        fcntl(status_fd, F_SETFD, FD_CLOEXEC);
        first += 2;
    }
    struct user user;
    if (first + 3 < argc && strcmp(argv[first], "--user") == 0) {
        if (parse_user(argv + first + 1, &user) < 0) {
            fprintf(stderr, "ssi-init: --user wants UID GID GROUPS (ids, GROUPS comma-separated or -)\n");
            return 2;
        }
        job_user = &user;
        first += 4;
    }
    if (first < argc && strcmp(argv[first], "--") == 0)
        first++;
    if (first >= argc)
        return usage();

    set_forwarded_mask(SIG_BLOCK);
    if (unshare(CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC) < 0) {
        perror("ssi-init: unshare(PID|UTS|IPC)");
        return SHIM_FAILED;
    }
    pid_t init = fork();
    if (init < 0) {
        perror("ssi-init: fork");
        return SHIM_FAILED;
    }
    if (init == 0)
        run_init(argv + first);

    detach_stdio();
    if (status_fd >= 0)
        close(status_fd);
    forward_signals_to(init);
    set_forwarded_mask(SIG_UNBLOCK);

    int status;
    if (wait_for(init, &status) < 0)
        return SHIM_FAILED;
    if (WIFSIGNALED(status))
        die_of_signal(WTERMSIG(status));
    int code = WEXITSTATUS(status);
    if (code > 128 && code < 128 + NSIG)
        die_of_signal(code - 128);
    return code;
}
