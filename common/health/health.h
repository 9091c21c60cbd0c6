/* The operational endpoints of api.md every service serves: /health, /readyz, /version, /metrics.
 * The service supplies the dependency checks; this module renders the contract's JSON and statuses. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"

typedef enum health_state { HEALTH_UP, HEALTH_DOWN, HEALTH_SKIPPED } health_state;

typedef struct health_check {
    health_state state;
    int latency_ms;  /* < 0: omitted */
    char error[128]; /* "" : omitted; short reason, no hosts or credentials */
} health_check;

/* Filled by the service for one /readyz request (runs on the worker thread, may block briefly). */
typedef struct health_probe {
    void (*postgres)(http_request *r, health_check *out);
    void (*redis)(http_request *r, health_check *out);
    void (*kafka)(http_request *r, health_check *out);
    bool (*ready)(http_request *r); /* false before traffic is accepted or while draining */
} health_probe;

/* Install the probe used by the /readyz handler and the service name used by /version. */
void health_configure(const char *service, const health_probe *probe);

/* Route rows for the four endpoints (GET only), to append to a service's route table. */
extern const route_def health_routes[];
extern const size_t health_routes_count;

/* Pure rendering, split from I/O so the status rules are testable without servers.
 * checks[0..2] = postgres, redis, kafka. Returns a new json_object (caller puts it) with
 * {"status","version","checks"} and sets *status: 503 "unhealthy" when postgres is down or !ready,
 * else 200 "degraded" when redis or kafka is down, else 200 "healthy". */
json_object *health_render_readyz(const health_check checks[3], bool ready, int *status);
/* {"service","version","commit","buildTime","requestDate"} for `now_us` (new reference, caller puts). */
json_object *health_render_version(const char *service, int64_t now_us);
/* "up" / "down" / "skipped". */
const char *health_state_name(health_state s);

/* Handlers (exposed so the gateway can reuse /health, /version and /metrics). */
void health_handle_health(http_request *r);
void health_handle_version(http_request *r);
void health_handle_metrics(http_request *r);
void health_handle_readyz(http_request *r);
