/* The gateway's route table: exactly api.md "Route ownership" (every public /v1 row and its owner) plus
 * the gateway's own operational GET rows. Pure data and a lookup over common/http's router; no I/O, no
 * libevent, so the unit tests link it directly. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "http/router.h"

/* The three services a /v1 route can belong to. */
typedef enum gw_upstream { GW_ONBOARDING, GW_PORTFOLIO, GW_TRANSACTION } gw_upstream;
#define GW_UPSTREAM_COUNT 3

/* Endpoints the gateway answers itself (api.md "Operational endpoints"). */
typedef enum gw_local {
    GW_LOCAL_HEALTH,
    GW_LOCAL_READYZ,
    GW_LOCAL_VERSION,
    GW_LOCAL_METRICS,
    GW_LOCAL_OPENAPI,
    GW_LOCAL_DOCS
} gw_local;

/* What gw_routes[i].data points to: either an upstream owner or a local endpoint. */
typedef struct gw_target {
    bool local;           /* true: answered by the gateway itself */
    gw_upstream upstream; /* owner when !local */
    gw_local endpoint;    /* endpoint when local */
} gw_target;

/* The complete table, in api.md order; data is a `const gw_target *` (static). */
extern const route_def gw_routes[];
extern const size_t gw_routes_count;

/* Target of a row of gw_routes (never NULL for those rows). */
const gw_target *gw_route_target(const route_def *def);

/* "onboarding", "portfolio", "transaction". */
const char *gw_upstream_name(gw_upstream u);

/* A router over gw_routes. NULL only if a template is malformed (a bug; logged by the router).
 * The caller frees it with router_free. */
router *gw_routes_router(void);

/* Outcome of gw_route_lookup. */
typedef struct gw_lookup {
    route_result result;     /* ROUTE_OK, ROUTE_NOT_FOUND or ROUTE_METHOD_NOT_ALLOWED */
    const gw_target *target; /* ROUTE_OK: where the request goes */
    const char *tmpl;        /* OK and 405: the matched template */
    unsigned allowed;        /* OK and 405: the template's method set (for Allow) */
    size_t param_count;      /* ROUTE_OK: path parameters, decoded, in template order */
    char param_names[ROUTER_MAX_PARAMS][32];
    char param_values[ROUTER_MAX_PARAMS][256]; /* truncated past 255 bytes */
} gw_lookup;

/* Decoded value of a path parameter of a ROUTE_OK lookup, or NULL. Points into `l`. */
const char *gw_lookup_param(const gw_lookup *l, const char *name);

/* Route a request as the gateway does: `method` is a method name ("GET"), `uri` the raw request target
 * (path with optional "?query", which never affects matching). Fills *out and returns out->result.
 * Pure: no allocation survives the call. */
route_result gw_route_lookup(const router *rt, const char *method, const char *uri, gw_lookup *out);
