/* Pooled keep-alive evhttp_connections from one gateway worker to the services, and calls with a hard
 * deadline. Everything runs on the worker's event loop: nothing here may block, retry a request, or free
 * a connection from its own callback chain (connections live as long as the client and libevent
 * reconnects them transparently after a close). */
#include "upstream.h"

#include <event2/buffer.h>
#include <event2/dns.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "log/log.h"
#include "util/mem.h"

/* Readiness probes are rare; a couple of connections per upstream is enough. */
#define UPSTREAM_PROBE_POOL_SIZE 2

typedef struct upstream_slot {
    struct evhttp_connection *evcon; /* NULL until first used */
    int inflight;                    /* calls sent on it and not finished */
} upstream_slot;

typedef struct upstream_pool {
    const config_http_url *target;
    struct timeval timeout;
    int size;
    int count; /* slots with a connection: slots[0..count) */
    upstream_slot *slots;
} upstream_pool;

struct upstream_client {
    struct event_base *base;
    struct evdns_base *dns; /* non-blocking name resolution; NULL falls back to numeric-only use */
    upstream_settings settings;
    upstream_pool pools[UPSTREAM_KIND_COUNT][GW_UPSTREAM_COUNT];
    upstream_call *calls; /* sent and not finished, for the shutdown sweep */
};

struct upstream_call {
    upstream_client *client;
    upstream_pool *pool;
    upstream_slot *slot;
    struct evhttp_request *req; /* owned by libevent once sent; NULL after it is gone */
    struct event *deadline;
    upstream_done_fn done;
    void *arg;
    bool failed; /* libevent reported an error before the final callback */
    enum evhttp_request_error error;
    bool finishing; /* the outcome is decided; ignore late libevent callbacks */
    upstream_call *prev, *next;
};

static void upstream_pool_init(upstream_pool *p, const config_http_url *target, int size, int timeout_ms)
{
    p->target = target;
    p->size = size > 0 ? size : 1;
    p->count = 0;
    p->slots = xcalloc((size_t)p->size, sizeof(upstream_slot));
    p->timeout.tv_sec = timeout_ms / 1000;
    p->timeout.tv_usec = (timeout_ms % 1000) * 1000;
}

upstream_client *upstream_client_new(struct event_base *base, const upstream_settings *s)
{
    upstream_client *c = xcalloc(1, sizeof(*c));
    c->base = base;
    c->settings = *s;
    /* The resolver reads /etc/resolv.conf and /etc/hosts once here (start-up); lookups are async. */
    c->dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS | EVDNS_BASE_DISABLE_WHEN_INACTIVE);
    if (c->dns == NULL) {
        log_warn("upstream: asynchronous resolver unavailable, using the system resolver");
    }
    for (int k = 0; k < UPSTREAM_KIND_COUNT; k++) {
        for (int u = 0; u < GW_UPSTREAM_COUNT; u++) {
            bool probe = k == UPSTREAM_KIND_PROBE;
            upstream_pool_init(&c->pools[k][u], &c->settings.targets[u],
                               probe ? UPSTREAM_PROBE_POOL_SIZE : s->pool_size,
                               probe ? s->probe_timeout_ms : s->proxy_timeout_ms);
        }
    }
    return c;
}

static void upstream_call_free(upstream_call *call)
{
    if (call->deadline != NULL)
        event_free(call->deadline);
    free(call);
}

void upstream_client_free(upstream_client *c)
{
    upstream_call *pending = NULL;

    if (c == NULL)
        return;
    /* Connections are freed first: that drops their queued requests without invoking callbacks. */
    pending = c->calls;
    c->calls = NULL;
    for (upstream_call *call = pending; call != NULL; call = call->next) {
        call->finishing = true;
        call->req = NULL;
        if (call->deadline != NULL)
            event_del(call->deadline);
    }
    for (int k = 0; k < UPSTREAM_KIND_COUNT; k++) {
        for (int u = 0; u < GW_UPSTREAM_COUNT; u++) {
            upstream_pool *p = &c->pools[k][u];
            for (int i = 0; i < p->count; i++) {
                if (p->slots[i].evcon != NULL)
                    evhttp_connection_free(p->slots[i].evcon);
            }
            free(p->slots);
        }
    }
    while (pending != NULL) {
        upstream_call *next = pending->next;
        pending->done(UPSTREAM_ABORTED, NULL, pending->arg);
        upstream_call_free(pending);
        pending = next;
    }
    if (c->dns != NULL)
        evdns_base_free(c->dns, 0);
    free(c);
}

const char *upstream_authority(const upstream_client *c, gw_upstream to)
{
    return c->settings.targets[to].authority;
}

/* An idle connection if any, else a new one while the pool has room, else the least busy (libevent
 * queues the request behind the one in flight). NULL only when no connection can be created at all. */
static upstream_slot *upstream_pool_pick(upstream_client *c, upstream_pool *p)
{
    upstream_slot *best = NULL;
    for (int i = 0; i < p->count; i++) {
        upstream_slot *s = &p->slots[i];
        if (s->inflight == 0)
            return s;
        if (best == NULL || s->inflight < best->inflight)
            best = s;
    }
    if (p->count < p->size) {
        struct evhttp_connection *evcon =
            evhttp_connection_base_new(c->base, c->dns, p->target->host, (unsigned short)p->target->port);
        if (evcon != NULL) {
            evhttp_connection_set_timeout_tv(evcon, &p->timeout);
            evhttp_connection_set_retries(evcon, 0);
            p->slots[p->count].evcon = evcon;
            p->slots[p->count].inflight = 0;
            return &p->slots[p->count++];
        }
        log_error("upstream: cannot create a connection to %s", p->target->authority);
    }
    return best;
}

static void upstream_unlink(upstream_call *call)
{
    upstream_client *c = call->client;
    if (call->prev != NULL)
        call->prev->next = call->next;
    else if (c->calls == call)
        c->calls = call->next;
    if (call->next != NULL)
        call->next->prev = call->prev;
    call->prev = call->next = NULL;
}

/* Decide the outcome once: stop the deadline, release the slot, report, free. */
static void upstream_finish(upstream_call *call, upstream_result res, struct evhttp_request *resp)
{
    call->finishing = true;
    call->req = NULL;
    if (call->deadline != NULL)
        event_del(call->deadline);
    if (call->slot != NULL && call->slot->inflight > 0)
        call->slot->inflight--;
    upstream_unlink(call);
    call->done(res, resp, call->arg);
    upstream_call_free(call);
}

static void upstream_on_error(enum evhttp_request_error err, void *arg)
{
    upstream_call *call = arg;
    if (call->finishing)
        return; /* our own cancel after the deadline */
    call->failed = true;
    call->error = err;
}

/* libevent calls this with the response, or with NULL (after upstream_on_error) on failure, or with a
 * response code of 0 when the connection could not be established. It frees the request afterwards. */
static void upstream_on_response(struct evhttp_request *resp, void *arg)
{
    upstream_call *call = arg;
    if (call->finishing)
        return;
    if (call->failed) {
        upstream_finish(call, call->error == EVREQ_HTTP_TIMEOUT ? UPSTREAM_TIMEOUT : UPSTREAM_UNREACHABLE,
                        NULL);
        return;
    }
    if (resp == NULL || evhttp_request_get_response_code(resp) == 0) {
        upstream_finish(call, UPSTREAM_UNREACHABLE, NULL);
        return;
    }
    upstream_finish(call, UPSTREAM_OK, resp);
}

/* The connection timeout only bounds inactivity; this bounds the whole exchange, queueing included. */
static void upstream_on_deadline(evutil_socket_t fd, short what, void *arg)
{
    upstream_call *call = arg;
    struct evhttp_request *req = call->req;
    (void)fd;
    (void)what;
    call->finishing = true;
    call->req = NULL;
    /* Not the connection's callback chain: this is a timer. Cancelling resets the connection when the
     * request is on the wire (its error callback sees `finishing` and returns) or unqueues it. */
    if (req != NULL)
        evhttp_cancel_request(req);
    upstream_finish(call, UPSTREAM_TIMEOUT, NULL);
}

upstream_call *upstream_call_new(upstream_client *c, upstream_kind kind, gw_upstream to,
                                 upstream_done_fn done, void *arg)
{
    upstream_call *call = xcalloc(1, sizeof(*call));
    call->client = c;
    call->pool = &c->pools[kind][to];
    call->done = done;
    call->arg = arg;
    call->req = evhttp_request_new(upstream_on_response, call);
    if (call->req == NULL) {
        log_error("upstream: out of memory"); /* the x* convention: exhaustion aborts */
        abort();
    }
    evhttp_request_set_error_cb(call->req, upstream_on_error);
    return call;
}

struct evkeyvalq *upstream_call_headers(upstream_call *call)
{
    return evhttp_request_get_output_headers(call->req);
}

struct evbuffer *upstream_call_body(upstream_call *call)
{
    return evhttp_request_get_output_buffer(call->req);
}

void upstream_call_send(upstream_call *call, enum evhttp_cmd_type method, const char *uri)
{
    upstream_client *c = call->client;
    upstream_pool *p = call->pool;
    struct evkeyvalq *h = evhttp_request_get_output_headers(call->req);
    struct evhttp_request *req = call->req;

    evhttp_remove_header(h, "Host");
    evhttp_add_header(h, "Host", p->target->authority);

    call->slot = upstream_pool_pick(c, p);
    if (call->slot == NULL) {
        call->req = NULL;
        evhttp_request_free(req);
        upstream_finish(call, UPSTREAM_UNREACHABLE, NULL);
        return;
    }
    call->slot->inflight++;
    call->next = c->calls;
    if (c->calls != NULL)
        c->calls->prev = call;
    c->calls = call;
    call->deadline = evtimer_new(c->base, upstream_on_deadline, call);
    if (call->deadline == NULL) {
        log_error("upstream: out of memory");
        abort();
    }
    evtimer_add(call->deadline, &p->timeout);

    /* libevent may complete the call before this returns (a connect refused at once); after the call
     * nothing here may touch `call` unless the request is still pending. */
    if (evhttp_make_request(call->slot->evcon, req, method, uri) != 0) {
        /* The request was taken off the connection's queue but not freed, and no callback ran. */
        evhttp_request_free(req);
        upstream_finish(call, UPSTREAM_UNREACHABLE, NULL);
    }
}
