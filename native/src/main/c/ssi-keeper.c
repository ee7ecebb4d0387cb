/*
 * ssi-keeper: holds a node's job descriptors while its ssid is away.
 *
 *   ssi-keeper SOCKET
 *
 * ssid hands the keeper, by name, its own ends of each job's pipes (output, status). As long as
 * the keeper holds a copy, those pipes stay open when ssid dies: the job blocks on a full pipe
 * instead of dying of SIGPIPE, and its exit status waits in the status pipe. A restarted ssid
 * takes them all back and goes on reading where its predecessor stopped.
 *
 * The protocol is SOCK_SEQPACKET, one datagram per request:
 *   "PUT name"  with 1..8 descriptors (SCM_RIGHTS)     -> "ok"   (replaces an entry of that name)
 *   "DROP name"                                          -> "ok"
 *   "LIST"      -> "ENTRY name" with its descriptors, one datagram per entry, then "END"
 * and "error: why" for anything else. It serves one client (its ssid) at a time and exits once
 * its client has gone and it holds nothing, or when nobody connects within a minute of its start.
 * It leaves its socket file behind: a new ssid that cannot connect removes it and starts a new
 * keeper (unlinking it here could remove a successor's socket).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_FDS 8
#define MAX_NAME 200
#define MAX_DATAGRAM 256
#define FIRST_CLIENT_WAIT_MS 60000

struct entry {
    char name[MAX_NAME + 1];
    int fds[MAX_FDS];
    int count;
    struct entry *next;
};

static struct entry *entries;

static void drop(const char *name) {
    for (struct entry **link = &entries; *link != NULL; link = &(*link)->next) {
        struct entry *e = *link;
        if (strcmp(e->name, name) == 0) {
            for (int i = 0; i < e->count; i++)
                close(e->fds[i]);
            *link = e->next;
            free(e);
            return;
        }
    }
}

static int put(const char *name, const int *fds, int count) {
    struct entry *e = calloc(1, sizeof *e);
    if (e == NULL)
        return -1;
    drop(name);
    snprintf(e->name, sizeof e->name, "%s", name);
    memcpy(e->fds, fds, sizeof(int) * (size_t)count);
    e->count = count;
    e->next = entries;
    entries = e;
    return 0;
}

static int send_datagram(int sock, const char *text, const int *fds, int count) {
    struct iovec iov = {.iov_base = (void *)text, .iov_len = strlen(text)};
    union {
        char buf[CMSG_SPACE(sizeof(int) * MAX_FDS)];
        struct cmsghdr align;
    } control;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    if (count > 0) {
        memset(&control, 0, sizeof control);
        msg.msg_control = control.buf;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)count);
        struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)count);
        memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * (size_t)count);
    }
    ssize_t n;
    do {
        n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -1 : 0;
}

/* One request: its text (NUL-terminated) and the descriptors that came with it. */
static ssize_t receive(int sock, char *text, int *fds, int *count) {
    struct iovec iov = {.iov_base = text, .iov_len = MAX_DATAGRAM - 1};
    union {
        char buf[CMSG_SPACE(sizeof(int) * MAX_FDS)];
        struct cmsghdr align;
    } control;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    ssize_t n;
    do {
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    *count = 0;
    if (n < 0)
        return n;
    text[n] = '\0';
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int got = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            memcpy(fds + *count, CMSG_DATA(c), sizeof(int) * (size_t)got);
            *count += got;
        }
    }
    if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
        for (int i = 0; i < *count; i++)
            close(fds[i]);
        *count = 0;
        errno = EMSGSIZE;
        return -1;
    }
    return n;
}

static int valid_name(const char *name) {
    size_t len = strlen(name);
    if (len == 0 || len > MAX_NAME)
        return 0;
    for (const char *c = name; *c != '\0'; c++)
        if (*c <= ' ' || *c > '~')
            return 0;
    return 1;
}

static void answer(int sock, char *text, int *fds, int count) {
    if (strncmp(text, "PUT ", 4) == 0 && valid_name(text + 4) && count > 0) {
        if (put(text + 4, fds, count) == 0) {
            send_datagram(sock, "ok", NULL, 0);
            return;
        }
        send_datagram(sock, "error: out of memory", NULL, 0);
    } else if (strncmp(text, "DROP ", 5) == 0 && valid_name(text + 5) && count == 0) {
        drop(text + 5);
        send_datagram(sock, "ok", NULL, 0);
    } else if (strcmp(text, "LIST") == 0 && count == 0) {
        char line[MAX_DATAGRAM];
        for (struct entry *e = entries; e != NULL; e = e->next) {
            snprintf(line, sizeof line, "ENTRY %s", e->name);
            if (send_datagram(sock, line, e->fds, e->count) < 0)
                return;
        }
        send_datagram(sock, "END", NULL, 0);
    } else {
        send_datagram(sock, "error: not a request: PUT name (with descriptors), DROP name or LIST", NULL, 0);
    }
    for (int i = 0; i < count; i++)
        close(fds[i]);
}

static void serve(int client) {
    char text[MAX_DATAGRAM];
    int fds[MAX_FDS];
    int count;
    for (;;) {
        ssize_t n = receive(client, text, fds, &count);
        if (n == 0)
            return;
        if (n < 0) {
            if (errno == EMSGSIZE) {
                send_datagram(client, "error: request too large (at most 255 bytes and 8 descriptors)", NULL, 0);
                continue;
            }
            return;
        }
        /* A PUT's descriptors belong to the entry now; answer() closes those of a refused request. */
        answer(client, text, fds, count);
    }
}

static int listen_on(const char *path) {
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        fprintf(stderr, "ssi-keeper: socket path too long: %s\n", path);
        return -1;
    }
    strcpy(addr.sun_path, path);
    int sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (sock < 0) {
        perror("ssi-keeper: socket");
        return -1;
    }
    mode_t old = umask(0077);
    int bound = bind(sock, (struct sockaddr *)&addr, sizeof addr);
    umask(old);
    if (bound < 0 || listen(sock, 4) < 0) {
        fprintf(stderr, "ssi-keeper: cannot listen on %s: %s\n", path, strerror(errno));
        close(sock);
        return -1;
    }
    return sock;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: ssi-keeper SOCKET\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    setsid();
    int sock = listen_on(argv[1]);
    if (sock < 0)
        return 1;
    struct pollfd first = {.fd = sock, .events = POLLIN};
    int ready;
    do {
        ready = poll(&first, 1, FIRST_CLIENT_WAIT_MS);
    } while (ready < 0 && errno == EINTR);
    if (ready == 1) {
        do {
            int client = accept4(sock, NULL, NULL, SOCK_CLOEXEC);
            if (client < 0) {
                if (errno == EINTR)
                    continue;
                perror("ssi-keeper: accept");
                break;
            }
            serve(client);
            close(client);
        } while (entries != NULL);
    }
    return 0;
}
