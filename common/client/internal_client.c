/* Blocking service-to-service HTTP calls from a worker thread: a private event_base and connection per
 * call, a hard deadline, and the outcome classified as response / unreachable / timeout. It must not
 * interpret the response: status and body go back to the caller unchanged. */
#include "client/internal_client.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log/log.h"
#include "util/mem.h"

#define INTERNAL_DEFAULT_TIMEOUT_MS 2000

typedef struct internal_ctx {
    struct event_base *base;
    internal_response *out;
    internal_call_status status;
    bool done;         /* the request callback ran */
    bool deadline_hit; /* our own timer fired first */
    bool error_seen;
    enum evhttp_request_error error;
} internal_ctx;

void internal_response_clear(internal_response *r)
{
    if (!r)
        return;
    free(r->body);
    r->body = NULL;
    r->len = 0;
    r->status = 0;
}

static void internal_on_error(enum evhttp_request_error err, void *arg)
{
    internal_ctx *ctx = arg;

    ctx->error_seen = true;
    ctx->error = err;
}

/* Runs for a response and (after internal_on_error) for a failure; libevent frees req afterwards. */
static void internal_on_response(struct evhttp_request *req, void *arg)
{
    internal_ctx *ctx = arg;
    int code = req ? evhttp_request_get_response_code(req) : 0;

    ctx->done = true;
    if (code <= 0) {
        ctx->status =
            (ctx->error_seen && ctx->error == EVREQ_HTTP_TIMEOUT) ? INTERNAL_TIMEOUT : INTERNAL_UNREACHABLE;
    } else {
        struct evbuffer *in = evhttp_request_get_input_buffer(req);
        size_t len = in ? evbuffer_get_length(in) : 0;
        char *body = xmalloc(len + 1);
        if (len > 0)
            evbuffer_remove(in, body, len);
        body[len] = '\0';
        ctx->out->status = code;
        ctx->out->body = body;
        ctx->out->len = len;
        ctx->status = INTERNAL_OK;
    }
    event_base_loopbreak(ctx->base);
}

static void internal_on_deadline(evutil_socket_t fd, short what, void *arg)
{
    internal_ctx *ctx = arg;

    (void)fd;
    (void)what;
    ctx->deadline_hit = true;
    event_base_loopbreak(ctx->base);
}

static enum evhttp_cmd_type internal_method(const char *method)
{
    if (strcmp(method, "POST") == 0)
        return EVHTTP_REQ_POST;
    if (strcmp(method, "PUT") == 0)
        return EVHTTP_REQ_PUT;
    if (strcmp(method, "PATCH") == 0)
        return EVHTTP_REQ_PATCH;
    if (strcmp(method, "DELETE") == 0)
        return EVHTTP_REQ_DELETE;
    if (strcmp(method, "HEAD") == 0)
        return EVHTTP_REQ_HEAD;
    return EVHTTP_REQ_GET;
}

internal_call_status internal_call(const char *method, const char *base_url, const char *path,
                                   const char *request_id, const char *body, size_t body_len, int timeout_ms,
                                   internal_response *out)
{
    internal_ctx ctx = {0};
    struct evhttp_uri *uri = NULL;
    struct event_base *base = NULL;
    struct evhttp_connection *conn = NULL;
    struct evhttp_request *req = NULL;
    struct event *deadline = NULL;
    const char *host = NULL;
    int port = -1;
    char host_header[300];
    char length[32];

    memset(out, 0, sizeof(*out));
    ctx.out = out;
    ctx.status = INTERNAL_UNREACHABLE;
    if (timeout_ms <= 0)
        timeout_ms = INTERNAL_DEFAULT_TIMEOUT_MS;

    uri = evhttp_uri_parse(base_url);
    host = uri ? evhttp_uri_get_host(uri) : NULL;
    if (!host || !*host) {
        log_error("internal call: malformed base URL");
        goto cleanup;
    }
    port = evhttp_uri_get_port(uri);
    if (port < 0)
        port = 80;
    if (strchr(host, ':'))
        snprintf(host_header, sizeof(host_header), "[%s]:%d", host, port);
    else
        snprintf(host_header, sizeof(host_header), "%s:%d", host, port);

    base = event_base_new();
    if (!base) {
        log_error("internal call: cannot create an event base");
        goto cleanup;
    }
    ctx.base = base;
    conn = evhttp_connection_base_new(base, NULL, host, (unsigned short)port);
    if (!conn) {
        log_error("internal call: cannot create a connection");
        goto cleanup;
    }
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    evhttp_connection_set_timeout_tv(conn, &tv);
    evhttp_connection_set_retries(conn, 0);

    /* Our own timer is the hard deadline: it covers DNS, connect, write and read together. */
    deadline = evtimer_new(base, internal_on_deadline, &ctx);
    evtimer_add(deadline, &tv);

    req = evhttp_request_new(internal_on_response, &ctx);
    evhttp_request_set_error_cb(req, internal_on_error);
    struct evkeyvalq *headers = evhttp_request_get_output_headers(req);
    evhttp_add_header(headers, "Host", host_header);
    evhttp_add_header(headers, "Connection", "close");
    evhttp_add_header(headers, "Accept", "application/json");
    if (request_id && *request_id)
        evhttp_add_header(headers, "X-Request-Id", request_id);
    if (body) {
        evhttp_add_header(headers, "Content-Type", "application/json");
        snprintf(length, sizeof(length), "%zu", body_len);
        evhttp_add_header(headers, "Content-Length", length);
        evbuffer_add(evhttp_request_get_output_buffer(req), body, body_len);
    } else if (internal_method(method) == EVHTTP_REQ_POST) {
        evhttp_add_header(headers, "Content-Length", "0");
    }
    /* From here the connection owns req, even when evhttp_make_request fails. */
    if (evhttp_make_request(conn, req, internal_method(method), path) != 0) {
        req = NULL;
        log_warn("internal call: cannot send the request");
        goto cleanup;
    }
    req = NULL;

    /* Ends on the response callback or the deadline (both break the loop); the pending deadline
     * timer keeps the loop from running out of events earlier. */
    (void)event_base_dispatch(base);
    if (!ctx.done)
        ctx.status = INTERNAL_TIMEOUT;

cleanup:
    if (deadline)
        event_free(deadline);
    /* Frees a still-pending request without calling its callbacks. */
    if (conn)
        evhttp_connection_free(conn);
    if (base)
        event_base_free(base);
    if (uri)
        evhttp_uri_free(uri);
    if (ctx.status != INTERNAL_OK)
        internal_response_clear(out);
    return ctx.status;
}
