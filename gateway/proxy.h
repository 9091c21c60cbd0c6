/* The gateway's one handler for every upstream row of the route table: forward the request to the
 * owning service on a pooled connection and relay its answer (api.md "Transport"). */
#pragma once
#include "http/http.h"

/* http_route.fn of every /v1 row. Route data must be the row's `const gw_target *`, worker data the
 * thread's `upstream_client *`. Always replies exactly once, asynchronously: the upstream's status,
 * headers and body; 503 0901 when the upstream is unreachable or resets; 504 0902 on timeout. */
void proxy_handle(http_request *r);
