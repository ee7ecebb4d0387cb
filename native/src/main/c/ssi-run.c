/*
 * ssi-run: run a command as an ssi job, as if it ran here.
 *
 *   ssi-run [--socket PATH] [--local] [--] CMD [ARGS...]
 *
 * Hands CMD, the environment, the working directory and the umask to the local ssid over its
 * Unix control socket (PATH, else $SSI_SOCKET, else /run/ssi/ssid.sock), writes the job's
 * output to its own stdout wherever the job runs, passes SIGINT/SIGTERM/SIGHUP/SIGQUIT on to
 * the job, and exits with the job's status or dies of the job's signal. With --local, a
 * missing daemon means running CMD here instead of failing.
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

enum { SUBMIT = 1, SIGNAL = 4, STARTED = 10, OUTPUT = 11, EXIT = 12, ERROR = 13 };
#define FAILED 125
#define MAX_FRAME (4u << 20)
#define DEFAULT_SOCKET "/run/ssi/ssid.sock"

extern char **environ;
static int signal_pipe[2] = {-1, -1};

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

static void send_frame(int sock, int type, const struct buffer *payload) {
    struct buffer frame = {0};
    append_u32(&frame, (uint32_t)(payload->length + 1));
    unsigned char t = (unsigned char)type;
    append(&frame, &t, 1);
    append(&frame, payload->data, payload->length);
    if (write_all(sock, frame.data, frame.length) < 0)
        die("lost the connection to ssid");
    free(frame.data);
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
    const int passed_on[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
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

static void submit(int sock, char **argv) {
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
    send_frame(sock, SUBMIT, &p);
    free(p.data);
}

static void pass_on_signals(int sock) {
    unsigned char s;
    while (read(signal_pipe[0], &s, 1) == 1) {
        struct buffer p = {0};
        append_u32(&p, s);
        send_frame(sock, SIGNAL, &p);
        free(p.data);
    }
}

/* Handles one frame from ssid; returns only while the job runs. */
static void handle_frame(int sock) {
    unsigned char header[5];
    int r = read_all(sock, header, 5);
    if (r <= 0)
        die("lost the connection to ssid before the job ended");
    uint32_t length = read_u32(header);
    if (length < 1 || length > MAX_FRAME)
        die("malformed frame from ssid");
    size_t n = length - 1;
    unsigned char *payload = malloc(n ? n : 1);
    if (!payload)
        die("out of memory");
    if (n > 0 && read_all(sock, payload, n) != 1)
        die("lost the connection to ssid before the job ended");
    switch (header[4]) {
    case STARTED:
        break;
    case OUTPUT:
        if (write_all(STDOUT_FILENO, payload, n) < 0 && errno != EPIPE)
            die("cannot write the job's output");
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
    fprintf(stderr, "usage: ssi-run [--socket PATH] [--local] [--] CMD [ARGS...]\n");
    return 2;
}

int main(int argc, char **argv) {
    const char *path = getenv("SSI_SOCKET") ? getenv("SSI_SOCKET") : DEFAULT_SOCKET;
    int local_fallback = 0, first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (strcmp(argv[first], "--") == 0) {
            first++;
            break;
        } else if (strcmp(argv[first], "--local") == 0) {
            local_fallback = 1;
        } else if (strcmp(argv[first], "--socket") == 0 && first + 1 < argc) {
            path = argv[++first];
        } else if (strcmp(argv[first], "--socket") == 0) {
            return usage("--socket needs a path", NULL);
        } else {
            return usage("unknown option ", argv[first]);
        }
    }
    if (first >= argc)
        return usage("no command given", NULL);

    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path)
        return usage("socket path too long: ", path);
    strcpy(addr.sun_path, path);
    int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof addr) < 0) {
        int err = errno;
        if (local_fallback) {
            execvp(argv[first], argv + first);
            fprintf(stderr, "ssi-run: cannot run %s: %s\n", argv[first], strerror(errno));
            return errno == ENOENT ? 127 : 126;
        }
        fprintf(stderr, "ssi-run: no ssid at %s (%s); start ssid, or use --local to run here\n", path,
                strerror(err));
        return FAILED;
    }
    catch_signals();
    submit(sock, argv + first);
    for (;;) {
        struct pollfd fds[2] = {{.fd = sock, .events = POLLIN}, {.fd = signal_pipe[0], .events = POLLIN}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            die("poll failed");
        }
        if (fds[1].revents & POLLIN)
            pass_on_signals(sock);
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
            handle_frame(sock);
    }
}
