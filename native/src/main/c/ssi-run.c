/*
 * ssi-run: run a command as an ssi job, as if it ran here.
 *
 *   ssi-run [--socket PATH] [--local] [--reattach SECONDS] [--] CMD [ARGS...]
 *
 * Hands CMD, the environment, the working directory and the umask to the local ssid over its
 * Unix control socket (PATH, else $SSI_SOCKET, else /run/ssi/ssid.sock), writes the job's
 * output to its own stdout wherever the job runs, passes SIGINT/SIGTERM/SIGHUP/SIGQUIT on to
 * the job, suspends it with Ctrl-Z (SIGTSTP, then SIGCONT on fg), and exits with the job's
 * status or dies of the job's signal. With --local, a missing daemon means running CMD here
 * instead of failing. Should the connection to ssid break before the job ends (ssid crashed
 * or was restarted), it waits up to SECONDS (default 300; 0: not at all) for ssid to come
 * back and attaches to the job again, taking its output on from the first byte it lacks.
 *
 * Control frames: u32 big-endian length of what follows, a type byte, the payload; strings
 * are a u32 length and bytes. The daemon's side is dev.ssi.daemon.control.ControlFrame.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

enum { SUBMIT = 1, ATTACH = 2, RECEIVED = 3, SIGNAL = 4, STARTED = 10, OUTPUT = 11, EXIT = 12, ERROR = 13 };
/* Tell ssid what we have every so often, so that it can let go of the job's output. */
#define RECEIVED_EVERY (256u << 10)
#define RECONNECT_PAUSE_MS 200
#define FAILED 125
#define MAX_FRAME (4u << 20)
#define DEFAULT_SOCKET "/run/ssi/ssid.sock"

extern char **environ;
static int signal_pipe[2] = {-1, -1};

/* The connection to ssid and where the job's output stands. */
struct session {
    const char *path;
    int sock;
    char job[256];
    uint64_t received, reported;
    int reattach_seconds;
};

struct buffer {
    unsigned char *data;
    size_t length, capacity;
};

static void die(const char *what) {
    fprintf(stderr, "ssi-run: %s\n", what);
    exit(FAILED);
}

static void append(struct buffer *b, const void *bytes, size_t n) {
    if (b->length + n > b->capacity) {
        size_t capacity = b->capacity ? b->capacity : 4096;
        while (capacity < b->length + n)
            capacity *= 2;
        unsigned char *grown = realloc(b->data, capacity);
        if (!grown)
            die("out of memory");
        b->data = grown;
        b->capacity = capacity;
    }
    memcpy(b->data + b->length, bytes, n);
    b->length += n;
}

static void append_u32(struct buffer *b, uint32_t v) {
    unsigned char be[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8),
                           (unsigned char)v};
    append(b, be, 4);
}

static void append_string(struct buffer *b, const char *s) {
    size_t n = strlen(s);
    append_u32(b, (uint32_t)n);
    append(b, s, n);
}

static uint32_t read_u32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int write_all(int fd, const void *bytes, size_t n) {
    const unsigned char *p = bytes;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* 1 when all n bytes were read, 0 at end-of-file before any, -1 on error or a short read. */
static int read_all(int fd, void *bytes, size_t n) {
    unsigned char *p = bytes;
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0)
            return got == 0 ? 0 : -1;
        if (r < 0)
            return -1;
        got += (size_t)r;
    }
    return 1;
}

/* 0 once sent, -1 when the connection is broken. */
static int send_frame(int sock, int type, const struct buffer *payload) {
    struct buffer frame = {0};
    append_u32(&frame, (uint32_t)(payload->length + 1));
    unsigned char t = (unsigned char)type;
    append(&frame, &t, 1);
    append(&frame, payload->data, payload->length);
    int sent = write_all(sock, frame.data, frame.length);
    free(frame.data);
    return sent;
}

static void on_signal(int sig) {
    unsigned char s = (unsigned char)sig;
    int saved = errno;
    if (write(signal_pipe[1], &s, 1) < 0) {
        /* The pipe is full: signals are already waiting to be passed on. */
    }
    errno = saved;
}

static void catch_signals(void) {
    if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
        die("cannot make a pipe");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    const int passed_on[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGCONT};
    for (size_t i = 0; i < sizeof passed_on / sizeof passed_on[0]; i++)
        sigaction(passed_on[i], &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void die_like(uint32_t code, uint32_t sig) {
    if (sig != 0) {
        fflush(stdout);
        signal((int)sig, SIG_DFL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, (int)sig);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        raise((int)sig);
        exit(128 + (int)sig);
    }
    exit((int)code);
}

static void submit(struct session *s, char **argv) {
    struct buffer p = {0};
    uint32_t argc = 0;
    while (argv[argc])
        argc++;
    append_u32(&p, argc);
    for (uint32_t i = 0; i < argc; i++)
        append_string(&p, argv[i]);
    uint32_t envc = 0;
    while (environ[envc])
        envc++;
    append_u32(&p, envc);
    for (uint32_t i = 0; i < envc; i++)
        append_string(&p, environ[i]);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        die("cannot tell the working directory");
    append_string(&p, cwd);
    mode_t mask = umask(0);
    umask(mask);
    append_u32(&p, (uint32_t)mask);
    if (send_frame(s->sock, SUBMIT, &p) < 0)
        die("lost the connection to ssid before the job started");
    free(p.data);
}

static int send_u64(int sock, int type, uint64_t value) {
    struct buffer p = {0};
    append_u32(&p, (uint32_t)(value >> 32));
    append_u32(&p, (uint32_t)value);
    int sent = send_frame(sock, type, &p);
    free(p.data);
    return sent;
}

static int connect_to(const char *path) {
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strcpy(addr.sun_path, path);
    int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0)
        return -1;
    if (connect(sock, (struct sockaddr *)&addr, sizeof addr) < 0) {
        int err = errno;
        close(sock);
        errno = err;
        return -1;
    }
    return sock;
}

/*
 * The connection broke before the job ended: wait for ssid to come back and attach again,
 * asking for the output from the first byte we lack. Dies when ssid stays away.
 */
static void reattach(struct session *s) {
    close(s->sock);
    s->sock = -1;
    if (s->job[0] == '\0' || s->reattach_seconds <= 0)
        die("lost the connection to ssid before the job ended");
    fprintf(stderr, "ssi-run: lost ssid; waiting up to %d s for it to come back to job %s\n", s->reattach_seconds,
            s->job);
    for (int waited = 0; waited < s->reattach_seconds * 1000; waited += RECONNECT_PAUSE_MS) {
        poll(NULL, 0, RECONNECT_PAUSE_MS);
        int sock = connect_to(s->path);
        if (sock < 0)
            continue;
        struct buffer p = {0};
        append_string(&p, s->job);
        append_u32(&p, (uint32_t)(s->received >> 32));
        append_u32(&p, (uint32_t)s->received);
        int sent = send_frame(sock, ATTACH, &p);
        free(p.data);
        if (sent == 0) {
            s->sock = sock;
            s->reported = s->received;
            return;
        }
        close(sock);
    }
    die("ssid did not come back; the job may run on, its output lost to this terminal");
}

/*
 * Signals go to the job. Ctrl-Z stops the job wherever it runs, then us as the shell expects;
 * fg's SIGCONT resumes both.
 */
static void pass_on_signals(struct session *s) {
    unsigned char sig;
    while (read(signal_pipe[0], &sig, 1) == 1) {
        struct buffer p = {0};
        append_u32(&p, sig);
        if (send_frame(s->sock, SIGNAL, &p) < 0) {
            free(p.data);
            if (write(signal_pipe[1], &sig, 1) < 0) {
                /* Full: others wait already. */
            }
            reattach(s);
            continue;
        }
        free(p.data);
        if (sig == SIGTSTP)
            raise(SIGSTOP);
    }
}

/* Handles one frame from ssid; returns only while the job runs. */
static void handle_frame(struct session *s) {
    unsigned char header[5];
    if (read_all(s->sock, header, 5) <= 0) {
        reattach(s);
        return;
    }
    uint32_t length = read_u32(header);
    if (length < 1 || length > MAX_FRAME)
        die("malformed frame from ssid");
    size_t n = length - 1;
    unsigned char *payload = malloc(n ? n : 1);
    if (!payload)
        die("out of memory");
    if (n > 0 && read_all(s->sock, payload, n) != 1) {
        free(payload);
        reattach(s);
        return;
    }
    switch (header[4]) {
    case STARTED: {
        uint32_t len = n >= 4 ? read_u32(payload) : 0;
        if (len > n - 4 || len >= sizeof s->job)
            die("malformed start from ssid");
        memcpy(s->job, payload + 4, len);
        s->job[len] = '\0';
        break;
    }
    case OUTPUT:
        if (write_all(STDOUT_FILENO, payload, n) < 0 && errno != EPIPE)
            die("cannot write the job's output");
        s->received += n;
        if (s->received - s->reported >= RECEIVED_EVERY && send_u64(s->sock, RECEIVED, s->received) == 0)
            s->reported = s->received;
        break;
    case EXIT:
        if (n < 8)
            die("malformed exit status from ssid");
        die_like(read_u32(payload), read_u32(payload + 4));
        break;
    case ERROR: {
        uint32_t len = n >= 4 ? read_u32(payload) : 0;
        if (len > n - 4)
            len = 0;
        fprintf(stderr, "ssi-run: %.*s\n", (int)len, payload + 4);
        exit(FAILED);
    }
    default:
        die("unknown frame from ssid");
    }
    free(payload);
}

static int usage(const char *complaint, const char *what) {
    if (complaint)
        fprintf(stderr, "ssi-run: %s%s\n", complaint, what ? what : "");
    fprintf(stderr, "usage: ssi-run [--socket PATH] [--local] [--reattach SECONDS] [--] CMD [ARGS...]\n");
    return 2;
}

int main(int argc, char **argv) {
    struct session s = {.path = getenv("SSI_SOCKET") ? getenv("SSI_SOCKET") : DEFAULT_SOCKET, .sock = -1,
                        .reattach_seconds = 300};
    int local_fallback = 0, first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (strcmp(argv[first], "--") == 0) {
            first++;
            break;
        } else if (strcmp(argv[first], "--local") == 0) {
            local_fallback = 1;
        } else if (strcmp(argv[first], "--socket") == 0 && first + 1 < argc) {
            s.path = argv[++first];
        } else if (strcmp(argv[first], "--socket") == 0) {
            return usage("--socket needs a path", NULL);
        } else if (strcmp(argv[first], "--reattach") == 0 && first + 1 < argc) {
            char *end;
            long seconds = strtol(argv[++first], &end, 10);
            if (*end != '\0' || seconds < 0 || seconds > 86400)
                return usage("--reattach wants seconds from 0 to 86400, not ", argv[first]);
            s.reattach_seconds = (int)seconds;
        } else if (strcmp(argv[first], "--reattach") == 0) {
            return usage("--reattach needs a number of seconds", NULL);
        } else {
            return usage("unknown option ", argv[first]);
        }
    }
    if (first >= argc)
        return usage("no command given", NULL);

    struct sockaddr_un addr;
    if (strlen(s.path) >= sizeof addr.sun_path)
        return usage("socket path too long: ", s.path);
    s.sock = connect_to(s.path);
    if (s.sock < 0) {
        int err = errno;
        if (local_fallback) {
            execvp(argv[first], argv + first);
            fprintf(stderr, "ssi-run: cannot run %s: %s\n", argv[first], strerror(errno));
            return errno == ENOENT ? 127 : 126;
        }
        fprintf(stderr, "ssi-run: no ssid at %s (%s); start ssid, or use --local to run here\n", s.path,
                strerror(err));
        return FAILED;
    }
    catch_signals();
    submit(&s, argv + first);
    for (;;) {
        struct pollfd fds[2] = {{.fd = s.sock, .events = POLLIN}, {.fd = signal_pipe[0], .events = POLLIN}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            die("poll failed");
        }
        if (fds[1].revents & POLLIN)
            pass_on_signals(&s);
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
            handle_frame(&s);
    }
}
