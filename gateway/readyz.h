/* The gateway's GET /readyz (api.md "Operational endpoints"): the readiness of the three services,
 * probed concurrently on the worker's loop with READYZ_TIMEOUT_MS each. */
#pragma once
#include "http/http.h"

/* The server whose draining state forces "unhealthy" (so a load balancer stops sending traffic while
 * the gateway shuts down). NULL = never draining. Set once before the server runs. */
void readyz_set_server(const http_server *s);

/* http_route.fn of /readyz; worker data must be the thread's `upstream_client *`. Replies once,
 * asynchronously: 200 {"status":"healthy",...} when every service answered 200 in time, else 503
 * {"status":"unhealthy",...}; each service is {"status":"up"|"down"[,"latency_ms":n]}. */
void readyz_handle(http_request *r);
