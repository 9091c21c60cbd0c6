/* Forwarding of one client request to its owner and relay of the answer, unchanged apart from the
 * hop-by-hop headers and X-Request-Id. It never parses bodies, never retries and never blocks: the
 * reply is sent from the upstream call's completion on the same worker loop. */
#include "proxy.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdbool.h>
#include <stdio.h>

#include "gw_headers.h"
#include "gw_routes.h"
#include "log/log.h"
#include "upstream.h"

static bool proxy_method(unsigned bit, enum evhttp_cmd_type *out)
{
    switch (bit) {
    case HTTP_M_GET:
        *out = EVHTTP_REQ_GET;
        return true;
    case HTTP_M_HEAD:
        *out = EVHTTP_REQ_HEAD;
        return true;
    case HTTP_M_POST:
        *out = EVHTTP_REQ_POST;
        return true;
    case HTTP_M_PUT:
        *out = EVHTTP_REQ_PUT;
        return true;
    case HTTP_M_PATCH:
        *out = EVHTTP_REQ_PATCH;
        return true;
    case HTTP_M_DELETE:
        *out = EVHTTP_REQ_DELETE;
        return true;
    case HTTP_M_OPTIONS:
        *out = EVHTTP_REQ_OPTIONS;
        return true;
    default:
        return false; /* HTTP_M_* are bit flags, not an enum: the router never lets others through */
    }
}

static void proxy_relay(http_request *r, struct evhttp_request *resp)
{
    struct evkeyvalq *in = evhttp_request_get_input_headers(resp);
    struct evbuffer *body = evhttp_request_get_input_buffer(resp);
    const char *connection = evhttp_find_header(in, "Connection");
    const char *content_type = evhttp_find_header(in, "Content-Type");
    size_t len = evbuffer_get_length(body);
    const void *bytes = NULL;

    for (struct evkeyval *h = in->tqh_first; h != NULL; h = h->next.tqe_next) {
        if (!gw_header_skip_response(h->key, connection))
            http_reply_set_header(r, h->key, h->value);
    }
    if (len > 0)
        bytes = evbuffer_pullup(body, (ev_ssize_t)len);
    http_reply_raw(r, evhttp_request_get_response_code(resp), content_type, bytes, len);
}

static void proxy_on_done(upstream_result res, struct evhttp_request *resp, void *arg)
{
    http_request *r = arg;
    const gw_target *t = http_req_route_data(r);
    const char *owner = gw_upstream_name(t->upstream);

    log_set_request_id(http_req_id(r));
    switch (res) {
    case UPSTREAM_OK:
        proxy_relay(r, resp);
        break;
    case UPSTREAM_UNREACHABLE:
        /* The reply helper logs every 5xx with its message; the client only sees "internal error". */
        http_reply_error(r, ERR_SERVICE_UNAVAILABLE, "upstream %s unreachable", owner);
        break;
    case UPSTREAM_TIMEOUT:
        http_reply_error(r, ERR_GATEWAY_TIMEOUT, "upstream %s timed out", owner);
        break;
    case UPSTREAM_ABORTED:
        /* Shutdown after the grace period: the server still accepts one last reply. */
        http_reply_error(r, ERR_SERVICE_UNAVAILABLE, "gateway shutting down");
        break;
    }
    log_set_request_id(NULL);
}

void proxy_handle(http_request *r)
{
    const gw_target *t = http_req_route_data(r);
    upstream_client *uc = http_req_worker_data(r);
    struct evhttp_request *raw = http_req_raw(r);
    struct evkeyvalq *in = evhttp_request_get_input_headers(raw);
    const char *connection = evhttp_find_header(in, "Connection");
    enum evhttp_cmd_type method = EVHTTP_REQ_GET;
    upstream_call *call = NULL;
    struct evkeyvalq *out = NULL;
    struct evbuffer *body = evhttp_request_get_input_buffer(raw);
    size_t len = 0;

    if (t == NULL || t->local || uc == NULL || !proxy_method(http_req_method(r), &method)) {
        http_reply_error(r, ERR_INTERNAL, "route %s is not an upstream route", http_req_template(r));
        return;
    }
    call = upstream_call_new(uc, UPSTREAM_KIND_PROXY, t->upstream, proxy_on_done, r);
    out = upstream_call_headers(call);
    for (struct evkeyval *h = in->tqh_first; h != NULL; h = h->next.tqe_next) {
        if (!gw_header_skip_request(h->key, connection))
            evhttp_add_header(out, h->key, h->value);
    }
    evhttp_add_header(out, "X-Request-Id", http_req_id(r));

    /* The body moves to the upstream request without a copy (the server already enforced the size
     * limit); nothing else reads it afterwards. libevent adds Content-Length only for POST and PUT, so
     * it is always set here when there is a body or the method carries one. */
    len = evbuffer_get_length(body);
    if (len > 0 || method == EVHTTP_REQ_POST || method == EVHTTP_REQ_PUT || method == EVHTTP_REQ_PATCH) {
        char clen[32];
        snprintf(clen, sizeof(clen), "%zu", len);
        evhttp_add_header(out, "Content-Length", clen);
        if (len > 0)
            evbuffer_add_buffer(upstream_call_body(call), body);
    }
    upstream_call_send(call, method, http_req_uri(r));
}
