/* The gateway's non-blocking HTTP client to the three services: per worker thread, pools of keep-alive
 * evhttp_connections (one pool per upstream and purpose) and calls with a hard deadline. It never
 * blocks, never retries, and never frees a connection from inside that connection's callbacks. */
#pragma once
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "config/config_url.h"
#include "gw_routes.h"

/* Pools are separate so that readiness probes never wait behind slow proxied requests. */
typedef enum upstream_kind { UPSTREAM_KIND_PROXY, UPSTREAM_KIND_PROBE } upstream_kind;
#define UPSTREAM_KIND_COUNT 2

typedef struct upstream_settings {
    config_http_url targets[GW_UPSTREAM_COUNT]; /* indexed by gw_upstream */
    int proxy_timeout_ms;                       /* UPSTREAM_TIMEOUT_MS */
    int probe_timeout_ms;                       /* READYZ_TIMEOUT_MS */
    int pool_size;                              /* UPSTREAM_POOL_SIZE: proxy connections per upstream */
} upstream_settings;

typedef enum upstream_result {
    UPSTREAM_OK,          /* a complete response arrived (any status) */
    UPSTREAM_UNREACHABLE, /* connect failure, reset or EOF before a complete response */
    UPSTREAM_TIMEOUT,     /* no complete response within the pool's timeout */
    UPSTREAM_ABORTED      /* the client is being freed (shutdown): do not reply, only release */
} upstream_result;

/* Called exactly once per call, on the worker's loop, possibly before upstream_call_send returns.
 * `resp` is the upstream response for UPSTREAM_OK (valid only during the callback), NULL otherwise. */
typedef void (*upstream_done_fn)(upstream_result res, struct evhttp_request *resp, void *arg);

typedef struct upstream_client upstream_client;
typedef struct upstream_call upstream_call;

/* One client per worker thread, bound to that thread's event base. `s` is copied. Never NULL (without an
 * asynchronous resolver it logs a warning and libevent falls back to the system one). Free with
 * upstream_client_free (NULL accepted) on the same thread; pending calls then complete with
 * UPSTREAM_ABORTED. */
upstream_client *upstream_client_new(struct event_base *base, const upstream_settings *s);
void upstream_client_free(upstream_client *c);

/* Host header value of an upstream ("host:port"). Static for the client's lifetime. */
const char *upstream_authority(const upstream_client *c, gw_upstream to);

/* Prepare a request to `to`. Fill its headers and body, then hand it to upstream_call_send (always:
 * a prepared call must be sent). The call belongs to the client. */
upstream_call *upstream_call_new(upstream_client *c, upstream_kind kind, gw_upstream to,
                                 upstream_done_fn done, void *arg);
struct evkeyvalq *upstream_call_headers(upstream_call *call);
struct evbuffer *upstream_call_body(upstream_call *call);
/* Send on a pooled connection (an idle one, else a new one up to the pool size, else the least busy).
 * Sets Host. `uri` is sent as is. The call is consumed: `done` reports the outcome. */
void upstream_call_send(upstream_call *call, enum evhttp_cmd_type method, const char *uri);
