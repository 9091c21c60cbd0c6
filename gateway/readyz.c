/* Gateway readiness: GET /readyz on each service, all three at once on the probe pools, never blocking
 * the worker. It reports what the services answered; it never proxies their bodies. */
#include "readyz.h"

#include <json-c/json.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "gw_routes.h"
#include "log/log.h"
#include "upstream.h"

static _Atomic(const http_server *) readyz_server;

typedef struct readyz_ctx readyz_ctx;

typedef struct readyz_probe {
    readyz_ctx *ctx;
    bool answered; /* a complete response arrived */
    int status;    /* its HTTP status */
    int latency_ms;
    int64_t start_us;
} readyz_probe;

struct readyz_ctx {
    http_request *r;
    int pending; /* probes not finished, plus one while they are being sent */
    readyz_probe probes[GW_UPSTREAM_COUNT];
};

void readyz_set_server(const http_server *s)
{
    atomic_store(&readyz_server, s);
}

static int64_t readyz_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void readyz_reply(readyz_ctx *ctx)
{
    json_object *body = json_object_new_object();
    json_object *services = json_object_new_object();
    bool all_up = true;

    for (int u = 0; u < GW_UPSTREAM_COUNT; u++) {
        const readyz_probe *p = &ctx->probes[u];
        bool up = p->answered && p->status == 200;
        json_object *s = json_object_new_object();
        json_object_object_add(s, "status", json_object_new_string(up ? "up" : "down"));
        if (p->answered)
            json_object_object_add(s, "latency_ms", json_object_new_int(p->latency_ms));
        json_object_object_add(services, gw_upstream_name((gw_upstream)u), s);
        all_up = all_up && up;
    }
    if (http_server_draining(atomic_load(&readyz_server)))
        all_up = false;
    json_object_object_add(body, "status", json_object_new_string(all_up ? "healthy" : "unhealthy"));
    json_object_object_add(body, "services", services);
    http_reply_json(ctx->r, all_up ? 200 : 503, body);
    free(ctx);
}

static void readyz_release(readyz_ctx *ctx)
{
    if (--ctx->pending == 0)
        readyz_reply(ctx);
}

static void readyz_on_done(upstream_result res, struct evhttp_request *resp, void *arg)
{
    readyz_probe *p = arg;
    switch (res) {
    case UPSTREAM_OK:
        p->answered = true;
        p->status = evhttp_request_get_response_code(resp);
        p->latency_ms = (int)((readyz_now_us() - p->start_us) / 1000);
        break;
    case UPSTREAM_UNREACHABLE:
    case UPSTREAM_TIMEOUT:
    case UPSTREAM_ABORTED:
        p->answered = false;
        break;
    }
    readyz_release(p->ctx);
}

void readyz_handle(http_request *r)
{
    upstream_client *uc = http_req_worker_data(r);
    readyz_ctx *ctx = NULL;

    if (uc == NULL) {
        http_reply_error(r, ERR_INTERNAL, "no upstream client on this worker");
        return;
    }
    ctx = xcalloc(1, sizeof(*ctx));
    ctx->r = r;
    ctx->pending = GW_UPSTREAM_COUNT + 1;
    for (int u = 0; u < GW_UPSTREAM_COUNT; u++) {
        readyz_probe *p = &ctx->probes[u];
        p->ctx = ctx;
        p->start_us = readyz_now_us();
        upstream_call *call = upstream_call_new(uc, UPSTREAM_KIND_PROBE, (gw_upstream)u, readyz_on_done, p);
        evhttp_add_header(upstream_call_headers(call), "X-Request-Id", http_req_id(r));
        evhttp_add_header(upstream_call_headers(call), "Accept", "application/json");
        upstream_call_send(call, EVHTTP_REQ_GET, "/readyz");
    }
    readyz_release(ctx);
}
