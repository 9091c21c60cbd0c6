/* The HTTP server of every binary: N worker threads, each with its own event_base and evhttp on the
 * shared listening socket, running the api.md request pipeline before the route's handler, and the
 * JSON reply helpers. It knows no service, no database and no route table of its own. */
#include "http/http.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log/log.h"
#include "metrics/metrics.h"
#include "uuid/uuid.h"

/* evhttp's own limit. When a body goes past it, libevent 2.1 answers 413 itself with an HTML body
 * and never calls us, so it is set well above the contract's 1 MiB: bodies up to this cap get our
 * JSON 413 0143 envelope, larger ones (Content-Length over 8 MiB, or a chunked body growing past it)
 * get libevent's HTML 413 and the connection closed. Either way nothing past the cap is buffered. */
#define HTTP_HARD_BODY_CAP (8 * 1024 * 1024)
#define HTTP_MAX_HEADERS (64 * 1024)   /* larger header blocks are refused by evhttp (400/413) */
#define HTTP_IDLE_TIMEOUT_S 60         /* read/write timeout of a connection, keep-alive idle included */
#define HTTP_LISTEN_BACKLOG 1024
#define HTTP_DRAIN_POLL_MS 10
#define HTTP_FLUSH_DELAY_MS 50         /* lets the last replies leave the socket buffers before exit */

typedef struct http_worker {
    http_server *srv;
    int index;
    pthread_t thread;
    bool started;
    struct event_base *base;
    struct evhttp *http;
    struct evhttp_bound_socket *bound;
    struct event *stop_ev;
    struct event *drain_ev;
    int64_t drain_deadline_us;
    void *data;              /* worker_init's result */
    http_request *live;      /* requests not yet freed (in flight, or replied inside dispatch) */
    size_t inflight;
    bool tearing_down;       /* evhttp_free is running: it frees the evhttp_requests it still holds */
    int failed;              /* start-up failed in this thread */
} http_worker;

struct http_server {
    http_server_config cfg;
    char *service;
    char *bind_addr;
    router *router;
    int fd;
    int port;
    int stop_pipe[2];
    atomic_bool draining;
    int grace_ms;
    http_worker *workers;
};

struct http_request {
    http_worker *w;
    arena *arena;
    struct evhttp_request *req;      /* NULL once the reply is sent (never touched afterwards) */
    struct evhttp_connection *evcon; /* NULL once the client connection is gone */
    http_request *prev, *next;       /* the worker's live list */
    int64_t start_us;
    unsigned method;
    const char *method_name;
    const char *uri;
    const char *path;
    const char *query;               /* raw text after '?', or NULL */
    const char *tmpl;
    const http_route *route;
    size_t param_count;
    const char *param_names[ROUTER_MAX_PARAMS];
    const char *param_values[ROUTER_MAX_PARAMS];
    char id[REQUEST_ID_MAX + 1];
    bool body_loaded;
    const char *body;
    size_t body_len;
    bool query_loaded;
    query_param *query_params;
    size_t query_count;
    bool replied;
    bool in_dispatch;                /* the pipeline or a synchronous handler is still on the stack */
    bool close_after;                /* answer with Connection: close (see http_body_left_unread) */
};

static int64_t http_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- request lifetime ------------------------------------------------------------------------ */

static void http_request_free(http_request *r)
{
    http_worker *w = r->w;
    if (r->prev)
        r->prev->next = r->next;
    else
        w->live = r->next;
    if (r->next)
        r->next->prev = r->prev;
    w->inflight--;
    arena_free(r->arena); /* r lives in its own arena */
}

/* True when the request declares a body that evhttp does not read: libevent 2.1 reads no body for
 * HEAD and TRACE, so those bytes would be parsed as the next request on the connection (a desync).
 * Such a request is answered normally, with Connection: close, and the bytes are dropped with it. */
static bool http_body_left_unread(struct evhttp_request *req)
{
    enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
    if (cmd != EVHTTP_REQ_HEAD && cmd != EVHTTP_REQ_TRACE)
        return false;
    struct evkeyvalq *in = evhttp_request_get_input_headers(req);
    const char *te = evhttp_find_header(in, "Transfer-Encoding");
    const char *cl = evhttp_find_header(in, "Content-Length");
    return te != NULL || (cl != NULL && strspn(cl, "0 \t") != strlen(cl));
}

/* The client connection closed before the reply (closecb set per request in http_on_request, cleared
 * when the reply is sent). libevent 2.1 then detaches the unanswered request from the connection and
 * keeps it alive; the later reply frees it (evhttp_send on a detached request only frees it), so an
 * asynchronous handler still replies normally: nothing leaks, nothing is used after free. Usually
 * evhttp does not read while a request is being answered, so a vanished client is only noticed when
 * the reply is written, after which evhttp frees the request itself (we dropped r->req already).
 * During evhttp_free at shutdown the request is freed with its connection instead. */
static void http_on_close(struct evhttp_connection *evcon, void *arg)
{
    http_request *r = arg;
    (void)evcon;
    r->evcon = NULL;
    if (r->w->tearing_down)
        r->req = NULL;
}

/* ---- request accessors ----------------------------------------------------------------------- */

unsigned http_req_method(const http_request *r)
{
    return r->method;
}

const char *http_req_method_name(const http_request *r)
{
    return r->method_name;
}

const char *http_req_path(const http_request *r)
{
    return r->path;
}

const char *http_req_uri(const http_request *r)
{
    return r->uri;
}

const char *http_req_template(const http_request *r)
{
    return r->tmpl ? r->tmpl : "unmatched";
}

const char *http_req_param(const http_request *r, const char *name)
{
    for (size_t i = 0; i < r->param_count; i++)
        if (strcmp(r->param_names[i], name) == 0)
            return r->param_values[i];
    return NULL;
}

const char *http_req_id(const http_request *r)
{
    return r->id;
}

const char *http_req_header(const http_request *r, const char *name)
{
    if (!r->req)
        return NULL;
    return evhttp_find_header(evhttp_request_get_input_headers(r->req), name);
}

const void *http_req_route_data(const http_request *r)
{
    return r->route ? r->route->data : NULL;
}

void *http_req_worker_data(const http_request *r)
{
    return r->w->data;
}

struct event_base *http_req_base(const http_request *r)
{
    return r->w->base;
}

struct evhttp_request *http_req_raw(http_request *r)
{
    return r->req;
}

arena *http_req_arena(http_request *r)
{
    return r->arena;
}

const char *http_req_body(http_request *r, size_t *len)
{
    if (!r->body_loaded) {
        r->body_loaded = true;
        r->body = "";
        r->body_len = 0;
        if (r->req) {
            struct evbuffer *in = evhttp_request_get_input_buffer(r->req);
            size_t n = evbuffer_get_length(in);
            char *copy = arena_alloc(r->arena, n + 1);
            if (n && evbuffer_copyout(in, copy, n) != (ev_ssize_t)n)
                n = 0;
            copy[n] = '\0';
            r->body = copy;
            r->body_len = n;
        }
    }
    if (len)
        *len = r->body_len;
    return r->body;
}

/* Query string: pieces split on '&', then on the first '='; keys and values decoded with
 * router_query_decode (form encoding: '+' is a space, as Go's url.Values and the Midaz clients send
 * it; %2B is a '+'). A piece without '=' has value "", empty pieces are skipped. Order and repeats
 * are kept. Invalid UTF-8 is left for page_params_parse to refuse with 0082. */
size_t http_req_query(http_request *r, const query_param **out)
{
    if (!r->query_loaded) {
        r->query_loaded = true;
        const char *q = r->query ? r->query : "";
        size_t n = 1;
        for (const char *p = q; *p; p++)
            n += *p == '&';
        r->query_params = arena_alloc(r->arena, n * sizeof(query_param));
        const char *p = q;
        while (*p) {
            const char *amp = strchr(p, '&');
            size_t len = amp ? (size_t)(amp - p) : strlen(p);
            if (len > 0) {
                const char *eq = memchr(p, '=', len);
                size_t klen = eq ? (size_t)(eq - p) : len;
                char *k = router_query_decode(p, klen);
                char *v = eq ? router_query_decode(eq + 1, len - klen - 1) : xstrdup("");
                r->query_params[r->query_count].key = arena_strdup(r->arena, k);
                r->query_params[r->query_count].value = arena_strdup(r->arena, v);
                r->query_count++;
                free(k);
                free(v);
            }
            if (!amp)
                break;
            p = amp + 1;
        }
    }
    if (out)
        *out = r->query_params;
    return r->query_count;
}

/* ---- replies --------------------------------------------------------------------------------- */

static void http_header_replace(struct evkeyvalq *h, const char *name, const char *value)
{
    while (evhttp_remove_header(h, name) == 0)
        ;
    if (value)
        evhttp_add_header(h, name, value);
}

void http_reply_set_header(http_request *r, const char *name, const char *value)
{
    if (!r->req || r->replied)
        return;
    if (evhttp_add_header(evhttp_request_get_output_headers(r->req), name, value) < 0)
        log_warn("http: header %s not set (CR/LF in its value)", name);
}

/* The one place a reply leaves: headers every reply carries, the metric, the debug line, and the
 * request freed unless the pipeline or a synchronous handler is still on the stack. */
static void http_send(http_request *r, int status, const char *content_type, const void *body, size_t len)
{
    if (r->replied || !r->req) {
        log_error("http: second reply to %s %s ignored", r->method_name, r->path);
        return;
    }
    r->replied = true;
    struct evhttp_request *req = r->req;
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    char clen[32];

    /* No body for HEAD, 1xx, 204 and 304: evhttp never writes one, so Content-Length must say 0. */
    if (r->method == HTTP_M_HEAD || status < 200 || status == 204 || status == 304) {
        body = NULL;
        len = 0;
        content_type = NULL;
    }
    http_header_replace(h, "X-Request-Id", r->id);
    if (content_type)
        http_header_replace(h, "Content-Type", content_type);
    snprintf(clen, sizeof(clen), "%zu", len);
    http_header_replace(h, "Content-Length", clen);
    if (r->close_after || atomic_load(&r->w->srv->draining))
        http_header_replace(h, "Connection", "close");
    if (len)
        evbuffer_add(evhttp_request_get_output_buffer(req), body, len);
    if (r->evcon)
        evhttp_connection_set_closecb(r->evcon, NULL, NULL);
    evhttp_send_reply(req, status, NULL, NULL);
    r->req = NULL;
    r->evcon = NULL;

    double seconds = (double)(http_now_us() - r->start_us) / 1e6;
    metrics_http_observe(r->method_name, http_req_template(r), status, seconds);
    log_set_request_id(r->id);
    log_debug("%s %s -> %d in %.3f ms", r->method_name, r->path, status, seconds * 1e3);
    if (!r->in_dispatch) {
        log_set_request_id(NULL);
        http_request_free(r);
    }
}

void http_reply_raw(http_request *r, int status, const char *content_type, const void *body, size_t len)
{
    http_send(r, status, content_type, body, len);
}

void http_reply_json(http_request *r, int status, json_object *body)
{
    const char *text = body ? json_dump(body) : "null";
    http_send(r, status, "application/json", text, strlen(text));
    json_object_put(body);
}

void http_reply_empty(http_request *r, int status)
{
    http_send(r, status, NULL, NULL, 0);
}

void http_reply_api_error(http_request *r, const api_error *e)
{
    const err_def *d = err_get(e->id);
    int status = d ? d->status : 500;
    if (status >= 500) /* the client only sees "internal error": keep the reason in the log */
        log_error("%s %s -> %d %s: %s", r->method_name, r->path, status, d ? d->code : "0046", e->message);
    if (r->method == HTTP_M_HEAD) {
        http_send(r, status, NULL, NULL, 0);
        return;
    }
    http_reply_json(r, status, api_error_to_json(e));
}

void http_reply_error(http_request *r, err_id id, const char *fmt, ...)
{
    api_error e = {0};
    e.id = id;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e.message, sizeof(e.message), fmt, ap);
        va_end(ap);
    }
    http_reply_api_error(r, &e);
    api_error_clear(&e);
}

bool http_req_replied(const http_request *r)
{
    return r->replied;
}

int http_body_json_or_reply(http_request *r, const json_schema *schema, json_mode mode, json_object **out)
{
    api_error e = {0};
    size_t len = 0;
    const char *body = http_req_body(r, &len);
    *out = NULL;
    if (json_decode_body(body, len, schema, mode, out, &e) < 0) {
        if (!api_error_is_set(&e))
            api_error_set(&e, ERR_UNMARSHALLING, "invalid request body");
        http_reply_api_error(r, &e);
        api_error_clear(&e);
        return -1;
    }
    return 0;
}

/* ---- the pipeline ---------------------------------------------------------------------------- */

static bool http_request_id_valid(const char *s)
{
    size_t n = 0;
    if (!s)
        return false;
    for (; s[n]; n++)
        if ((unsigned char)s[n] < 0x21 || (unsigned char)s[n] > 0x7E || n >= REQUEST_ID_MAX)
            return false;
    return n >= 1;
}

static void http_method_of(enum evhttp_cmd_type cmd, unsigned *bit, const char **name)
{
    switch (cmd) {
    case EVHTTP_REQ_GET:
        *bit = HTTP_M_GET;
        break;
    case EVHTTP_REQ_POST:
        *bit = HTTP_M_POST;
        break;
    case EVHTTP_REQ_HEAD:
        *bit = HTTP_M_HEAD;
        break;
    case EVHTTP_REQ_PUT:
        *bit = HTTP_M_PUT;
        break;
    case EVHTTP_REQ_DELETE:
        *bit = HTTP_M_DELETE;
        break;
    case EVHTTP_REQ_OPTIONS:
        *bit = HTTP_M_OPTIONS;
        break;
    case EVHTTP_REQ_PATCH:
        *bit = HTTP_M_PATCH;
        break;
    case EVHTTP_REQ_TRACE:
        *bit = HTTP_M_OTHER;
        *name = "TRACE";
        return;
    case EVHTTP_REQ_CONNECT:
        *bit = HTTP_M_OTHER;
        *name = "CONNECT";
        return;
    }
    *name = http_method_name(*bit);
}

/* Split the request target into path and query. Origin form ("/p?q") is what clients send; an
 * absolute form ("http://host/p?q") is reduced to its path. Anything else keeps a path that no
 * template matches (404). */
static void http_split_target(http_request *r, const char *uri)
{
    const char *p = uri;
    if (strncmp(p, "http://", 7) == 0 || strncmp(p, "https://", 8) == 0) {
        const char *slash = strchr(strstr(p, "//") + 2, '/');
        p = slash ? slash : "/";
    }
    const char *q = strchr(p, '?');
    r->path = q ? arena_strndup(r->arena, p, (size_t)(q - p)) : arena_strdup(r->arena, p);
    r->query = q ? arena_strdup(r->arena, q + 1) : NULL;
}

static void http_pipeline(http_request *r)
{
    http_server *s = r->w->srv;
    route_match m;
    char allow[96];

    /* (2) route */
    route_result rr = router_match(s->router, r->path, r->method, &m);
    r->tmpl = m.tmpl;
    for (size_t i = 0; i < m.param_count; i++) {
        r->param_names[i] = m.param_names[i]; /* router-owned, lives as long as the server */
        r->param_values[i] = arena_strdup(r->arena, m.param_values[i]);
    }
    r->param_count = m.param_count;
    unsigned allowed = m.allowed;
    r->route = m.def ? (const http_route *)m.def->data : NULL;
    route_match_clear(&m);
    switch (rr) {
    case ROUTE_NOT_FOUND:
        r->tmpl = NULL;
        http_reply_error(r, ERR_ROUTE_NOT_FOUND, "no route matches %s", r->path);
        return;
    case ROUTE_METHOD_NOT_ALLOWED:
        router_allow_header(allowed, allow, sizeof(allow));
        http_reply_set_header(r, "Allow", allow);
        http_reply_error(r, ERR_METHOD_NOT_ALLOWED, "method %s is not allowed on this route", r->method_name);
        return;
    case ROUTE_OK:
        break;
    }

    /* (2b) the server's own check between route and body size (the gateway's authentication) */
    if (s->cfg.pre_body_check && s->cfg.pre_body_check(r) != 0) {
        if (!r->replied)
            http_reply_error(r, ERR_INTERNAL, "pre-body check on %s refused without replying", r->tmpl);
        return;
    }

    /* (3) body size, after de-chunking; counted even where the body is then ignored */
    size_t max_body = s->cfg.max_body ? s->cfg.max_body : HTTP_MAX_BODY;
    if (evbuffer_get_length(evhttp_request_get_input_buffer(r->req)) > max_body) {
        http_reply_error(r, ERR_PAYLOAD_TOO_LARGE, "request body larger than %zu bytes", max_body);
        return;
    }

    /* (4) path ids, first invalid from the left */
    if (s->cfg.validate_path_ids) {
        for (size_t i = 0; i < r->param_count; i++) {
            size_t n = strlen(r->param_names[i]);
            if (n < 3 || strcmp(r->param_names[i] + n - 3, "_id") != 0 || uuid_valid(r->param_values[i]))
                continue;
            api_error e = {0};
            api_error_set(&e, ERR_INVALID_PATH_PARAMETER, "%s must be a valid UUID", r->param_names[i]);
            api_error_field(&e, r->param_names[i], "must be a valid UUID");
            http_reply_api_error(r, &e);
            api_error_clear(&e);
            return;
        }
    }

    /* (5) the handler */
    if (!r->route || !r->route->fn) {
        http_reply_error(r, ERR_INTERNAL, "route %s has no handler", r->tmpl);
        return;
    }
    r->route->fn(r);
}

/* evhttp's general callback: every request that evhttp parsed arrives here. Requests evhttp refuses
 * itself never do: an unknown method (501), a malformed request line or headers (400), headers over
 * 64 KiB or a body over the 8 MiB cap (413); those answers are libevent's own HTML. */
static void http_on_request(struct evhttp_request *req, void *arg)
{
    http_worker *w = arg;
    arena *a = arena_new();
    http_request *r = arena_alloc(a, sizeof(*r));

    r->arena = a;
    r->w = w;
    r->req = req;
    r->start_us = http_now_us();
    r->in_dispatch = true;
    r->next = w->live;
    if (w->live)
        w->live->prev = r;
    w->live = r;
    w->inflight++;
    r->evcon = evhttp_request_get_connection(req);
    if (r->evcon)
        evhttp_connection_set_closecb(r->evcon, http_on_close, r);

    /* (1) request id */
    const char *rid = evhttp_find_header(evhttp_request_get_input_headers(req), "X-Request-Id");
    if (http_request_id_valid(rid))
        snprintf(r->id, sizeof(r->id), "%s", rid);
    else
        uuid_v4_str(r->id);
    log_set_request_id(r->id);

    http_method_of(evhttp_request_get_command(req), &r->method, &r->method_name);
    r->close_after = http_body_left_unread(req);
    const char *uri = evhttp_request_get_uri(req);
    r->uri = arena_strdup(a, uri ? uri : "");
    http_split_target(r, r->uri);

    http_pipeline(r);

    r->in_dispatch = false;
    if (r->replied)
        http_request_free(r);
    log_set_request_id(NULL);
}

/* ---- workers and draining -------------------------------------------------------------------- */

static void http_on_drain_tick(evutil_socket_t fd, short what, void *arg)
{
    http_worker *w = arg;
    (void)fd;
    (void)what;
    if (w->inflight > 0 && http_now_us() < w->drain_deadline_us)
        return;
    if (w->inflight > 0)
        log_warn("http: worker %d stops with %zu request(s) unanswered after the grace period", w->index,
                 w->inflight);
    event_del(w->drain_ev);
    struct timeval flush = {0, HTTP_FLUSH_DELAY_MS * 1000};
    event_base_loopexit(w->base, &flush);
}

/* The stop pipe became readable. The byte is left in the pipe so every worker sees it. */
static void http_on_stop(evutil_socket_t fd, short what, void *arg)
{
    http_worker *w = arg;
    (void)fd;
    (void)what;
    event_del(w->stop_ev);
    if (w->bound) {
        evhttp_del_accept_socket(w->http, w->bound); /* our listener does not close the shared fd */
        w->bound = NULL;
    }
    w->drain_deadline_us = http_now_us() + (int64_t)w->srv->grace_ms * 1000;
    struct timeval tick = {0, HTTP_DRAIN_POLL_MS * 1000};
    event_add(w->drain_ev, &tick);
    http_on_drain_tick(-1, 0, w);
}

static int http_worker_setup(http_worker *w)
{
    http_server *s = w->srv;
    size_t max_body = s->cfg.max_body ? s->cfg.max_body : HTTP_MAX_BODY;
    size_t cap = max_body < HTTP_HARD_BODY_CAP ? HTTP_HARD_BODY_CAP : max_body + 1;

    w->base = event_base_new();
    if (!w->base)
        return -1;
    w->http = evhttp_new(w->base);
    if (!w->http)
        return -1;
    evhttp_set_allowed_methods(w->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT |
                                            EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
                                            EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
    evhttp_set_max_body_size(w->http, (ev_ssize_t)cap);
    evhttp_set_max_headers_size(w->http, HTTP_MAX_HEADERS);
    evhttp_set_timeout(w->http, HTTP_IDLE_TIMEOUT_S);
    evhttp_set_default_content_type(w->http, "application/json");
    evhttp_set_gencb(w->http, http_on_request, w);

    /* Every worker accepts on the same listening socket. Not LEV_OPT_CLOSE_ON_FREE: removing one
     * worker's listener must not close the descriptor the others still use (the server closes it). */
    struct evconnlistener *lev = evconnlistener_new(w->base, NULL, NULL, LEV_OPT_CLOSE_ON_EXEC, 0, s->fd);
    if (!lev)
        return -1;
    w->bound = evhttp_bind_listener(w->http, lev);
    if (!w->bound) {
        evconnlistener_free(lev);
        return -1;
    }
    w->stop_ev = event_new(w->base, s->stop_pipe[0], EV_READ | EV_PERSIST, http_on_stop, w);
    w->drain_ev = event_new(w->base, -1, EV_PERSIST, http_on_drain_tick, w);
    if (!w->stop_ev || !w->drain_ev || event_add(w->stop_ev, NULL) < 0)
        return -1;
    return 0;
}

static void http_worker_teardown(http_worker *w)
{
    http_server *s = w->srv;
    if (s->cfg.worker_free && w->data)
        s->cfg.worker_free(w->data); /* may still answer its pending requests: the base is alive */
    w->data = NULL;
    if (w->http) {
        w->tearing_down = true;
        evhttp_free(w->http); /* frees connections and the unanswered requests they hold */
        w->http = NULL;
    }
    /* Requests still unanswered: their arenas go; a request detached by a closed connection is ours
     * to free, one freed by evhttp_free above was cleared in http_on_close. */
    while (w->live) {
        http_request *r = w->live;
        if (r->req)
            evhttp_request_free(r->req);
        http_request_free(r);
    }
    if (w->stop_ev)
        event_free(w->stop_ev);
    if (w->drain_ev)
        event_free(w->drain_ev);
    w->stop_ev = w->drain_ev = NULL;
    if (w->base)
        event_base_free(w->base);
    w->base = NULL;
}

static void *http_worker_main(void *arg)
{
    http_worker *w = arg;
    http_server *s = w->srv;

    if (http_worker_setup(w) < 0) {
        log_error("http: worker %d could not start its event loop", w->index);
        w->failed = 1;
        http_server_stop(s); /* the other workers drain and the server returns */
        http_worker_teardown(w);
        return NULL;
    }
    if (s->cfg.worker_init)
        w->data = s->cfg.worker_init(w->index, w->base, s->cfg.worker_arg);
    event_base_dispatch(w->base);
    http_worker_teardown(w);
    log_set_request_id(NULL);
    return NULL;
}

/* ---- server ---------------------------------------------------------------------------------- */

static int http_listen(const char *addr, int port, int *port_out)
{
    struct addrinfo hints = {0}, *res = NULL;
    char portstr[16];
    int fd = -1;

    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    snprintf(portstr, sizeof(portstr), "%d", port);
    int rc = getaddrinfo(addr, portstr, &hints, &res);
    if (rc != 0) {
        log_error("http: cannot resolve bind address %s: %s", addr, gai_strerror(rc));
        return -1;
    }
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int one = 1;
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0 &&
            bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, HTTP_LISTEN_BACKLOG) == 0)
            break;
        log_error("http: cannot listen on %s:%d: %s", addr, port, strerror(errno));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        return -1;

    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
        close(fd);
        return -1;
    }
    *port_out = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                         : ntohs(((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

http_server *http_server_new(const http_server_config *cfg)
{
    http_server *s = NULL;

    if (!cfg || cfg->workers < 1 || cfg->port < 0 || cfg->port > 65535) {
        log_error("http: invalid server configuration (workers >= 1, port 0..65535)");
        return NULL;
    }
    /* Each base is used by its own thread only, but libevent's globals are shared: make them
     * thread-safe once. A peer resetting a connection must not kill the process with SIGPIPE. */
    evthread_use_pthreads();
    signal(SIGPIPE, SIG_IGN);

    s = xcalloc(1, sizeof(*s));
    s->fd = -1;
    s->stop_pipe[0] = s->stop_pipe[1] = -1;
    s->cfg = *cfg;
    s->service = xstrdup(cfg->service ? cfg->service : "http");
    s->bind_addr = xstrdup(cfg->bind_addr && cfg->bind_addr[0] ? cfg->bind_addr : "0.0.0.0");
    s->cfg.service = s->service;
    s->cfg.bind_addr = s->bind_addr;
    atomic_init(&s->draining, false);

    s->router = router_new(cfg->routes, cfg->route_count);
    if (!s->router)
        goto failed;
    if (pipe2(s->stop_pipe, O_NONBLOCK | O_CLOEXEC) < 0) {
        log_error("http: pipe: %s", strerror(errno));
        goto failed;
    }
    s->fd = http_listen(s->bind_addr, cfg->port, &s->port);
    if (s->fd < 0)
        goto failed;
    s->workers = xcalloc((size_t)cfg->workers, sizeof(http_worker));
    for (int i = 0; i < cfg->workers; i++) {
        s->workers[i].srv = s;
        s->workers[i].index = i;
    }
    log_info(strchr(s->bind_addr, ':') ? "%s listening on [%s]:%d with %d worker(s)"
                                       : "%s listening on %s:%d with %d worker(s)",
             s->service, s->bind_addr, s->port, cfg->workers);
    return s;

failed:
    http_server_free(s);
    return NULL;
}

int http_server_run(http_server *s, int grace_ms)
{
    int rc = 0;
    s->grace_ms = grace_ms < 0 ? 0 : grace_ms;
    for (int i = 0; i < s->cfg.workers; i++) {
        http_worker *w = &s->workers[i];
        int err = pthread_create(&w->thread, NULL, http_worker_main, w);
        if (err != 0) {
            log_error("http: cannot start worker %d: %s", i, strerror(err));
            http_server_stop(s);
            rc = -1;
            break;
        }
        w->started = true;
    }
    for (int i = 0; i < s->cfg.workers; i++) {
        http_worker *w = &s->workers[i];
        if (!w->started)
            continue;
        pthread_join(w->thread, NULL);
        w->started = false;
        if (w->failed)
            rc = -1;
    }
    /* Every listener is gone: release the port now so a restarted process can bind it at once. */
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    log_info("%s stopped", s->service);
    return rc;
}

void http_server_stop(http_server *s)
{
    int saved = errno;
    if (!s)
        return;
    atomic_store(&s->draining, true);
    if (write(s->stop_pipe[1], "x", 1) < 0) {
        /* a full pipe already holds the wake-up; nothing else is safe to do in a signal handler */
    }
    errno = saved;
}

bool http_server_draining(const http_server *s)
{
    return s && atomic_load(&((http_server *)s)->draining);
}

void http_server_free(http_server *s)
{
    if (!s)
        return;
    if (s->fd >= 0)
        close(s->fd);
    for (int i = 0; i < 2; i++)
        if (s->stop_pipe[i] >= 0)
            close(s->stop_pipe[i]);
    router_free(s->router);
    free(s->workers);
    free(s->service);
    free(s->bind_addr);
    free(s);
}

int http_server_port(const http_server *s)
{
    return s ? s->port : -1;
}
