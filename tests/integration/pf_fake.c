/* The fake balance-close server of pf_fake.h: one thread, blocking sockets, one request per
 * connection (Connection: close). It never touches the real services. */
#include "pf_fake.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "util/mem.h"

#define PF_FAKE_MAX_LINES 256

struct pf_fake {
    int fd;
    pthread_t thread;
    atomic_bool stop;
    pthread_mutex_t mu;
    int status;
    char *body;
    char *lines[PF_FAKE_MAX_LINES];
    size_t count;
};

static int pf_fake_port(void)
{
    const char *url = it_env("TRANSACTION_URL");
    const char *colon = strrchr(url, ':');
    return colon ? atoi(colon + 1) : 0;
}

static const char *pf_fake_reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 500:
        return "Internal Server Error";
    default:
        return "Status";
    }
}

/* Read the request head (and a Content-Length body, discarded), record its first line, answer. */
static void pf_fake_serve(pf_fake *f, int cfd)
{
    char buf[8192];
    size_t got = 0;
    char *end = NULL;
    char *resp = NULL;
    int status = 0;
    char *body = NULL;

    while (got < sizeof(buf) - 1) {
        ssize_t n = recv(cfd, buf + got, sizeof(buf) - 1 - got, 0);
        if (n <= 0)
            return;
        got += (size_t)n;
        buf[got] = '\0';
        if ((end = strstr(buf, "\r\n\r\n")))
            break;
    }
    if (!end)
        return;
    char *cl = strcasestr(buf, "\r\nContent-Length:");
    size_t want = cl ? (size_t)strtoul(cl + 17, NULL, 10) : 0;
    size_t have = got - (size_t)(end + 4 - buf);
    while (have < want) {
        char sink[1024];
        ssize_t n = recv(cfd, sink, sizeof(sink), 0);
        if (n <= 0)
            break;
        have += (size_t)n;
    }
    char *eol = strstr(buf, "\r\n");
    pthread_mutex_lock(&f->mu);
    if (f->count < PF_FAKE_MAX_LINES)
        f->lines[f->count] = xstrndup(buf, (size_t)(eol - buf));
    f->count++;
    status = f->status;
    body = f->body ? xstrdup(f->body) : NULL;
    pthread_mutex_unlock(&f->mu);

    resp = xasprintf("HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n%s",
                     status, pf_fake_reason(status), body ? strlen(body) : 0, body ? body : "");
    size_t len = strlen(resp);
    size_t sent = 0;
    while (sent < len) {
        ssize_t n = send(cfd, resp + sent, len - sent, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        sent += (size_t)n;
    }
    free(resp);
    free(body);
}

static void *pf_fake_main(void *arg)
{
    pf_fake *f = arg;

    while (!atomic_load(&f->stop)) {
        struct pollfd pfd = {.fd = f->fd, .events = POLLIN};
        if (poll(&pfd, 1, 100) <= 0)
            continue;
        int cfd = accept(f->fd, NULL, NULL);
        if (cfd < 0)
            continue;
        pf_fake_serve(f, cfd);
        close(cfd);
    }
    return NULL;
}

pf_fake *pf_fake_start(int status, const char *body)
{
    pf_fake *f = xcalloc(1, sizeof(*f));
    struct sockaddr_in addr = {0};
    int one = 1;
    int port = pf_fake_port();
    int64_t deadline = it_now_ms() + 10000;

    f->fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(f->fd >= 0, "socket: %s", strerror(errno));
    setsockopt(f->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* The stopped service's socket may linger a moment: poll until the bind succeeds. */
    while (bind(f->fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        cr_assert(it_now_ms() < deadline, "bind 127.0.0.1:%d: %s", port, strerror(errno));
        it_sleep_ms(100);
    }
    cr_assert(listen(f->fd, 16) == 0, "listen: %s", strerror(errno));
    pthread_mutex_init(&f->mu, NULL);
    f->status = status;
    f->body = body ? xstrdup(body) : NULL;
    atomic_init(&f->stop, false);
    cr_assert(pthread_create(&f->thread, NULL, pf_fake_main, f) == 0, "pthread_create failed");
    fprintf(stderr, "[it] fake transaction service on port %d answers %d\n", port, status);
    return f;
}

void pf_fake_set(pf_fake *f, int status, const char *body)
{
    pthread_mutex_lock(&f->mu);
    f->status = status;
    free(f->body);
    f->body = body ? xstrdup(body) : NULL;
    pthread_mutex_unlock(&f->mu);
}

size_t pf_fake_count(pf_fake *f, char *last, size_t cap)
{
    size_t n = 0;

    pthread_mutex_lock(&f->mu);
    n = f->count;
    if (last && cap > 0)
        snprintf(last, cap, "%s", n > 0 && n <= PF_FAKE_MAX_LINES ? f->lines[n - 1] : "");
    pthread_mutex_unlock(&f->mu);
    return n;
}

size_t pf_fake_count_matching(pf_fake *f, const char *needle)
{
    size_t n = 0;

    pthread_mutex_lock(&f->mu);
    for (size_t i = 0; i < f->count && i < PF_FAKE_MAX_LINES; i++)
        if (strstr(f->lines[i], needle))
            n++;
    pthread_mutex_unlock(&f->mu);
    return n;
}

void pf_fake_stop(pf_fake *f)
{
    if (!f)
        return;
    atomic_store(&f->stop, true);
    pthread_join(f->thread, NULL);
    close(f->fd);
    for (size_t i = 0; i < f->count && i < PF_FAKE_MAX_LINES; i++)
        free(f->lines[i]);
    free(f->body);
    pthread_mutex_destroy(&f->mu);
    free(f);
}
