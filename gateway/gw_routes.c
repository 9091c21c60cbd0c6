/* The gateway's route table (api.md "Route ownership", row for row) and the lookup the gateway and its
 * unit tests share. Pure code: it must not include libevent or anything that does I/O, because the unit
 * test binary compiles every gateway/gw_*.c file. */
#include "gw_routes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

static const gw_target to_onboarding = {.local = false, .upstream = GW_ONBOARDING};
static const gw_target to_portfolio = {.local = false, .upstream = GW_PORTFOLIO};
static const gw_target to_transaction = {.local = false, .upstream = GW_TRANSACTION};
static const gw_target local_health = {.local = true, .endpoint = GW_LOCAL_HEALTH};
static const gw_target local_readyz = {.local = true, .endpoint = GW_LOCAL_READYZ};
static const gw_target local_version = {.local = true, .endpoint = GW_LOCAL_VERSION};
static const gw_target local_metrics = {.local = true, .endpoint = GW_LOCAL_METRICS};
static const gw_target local_openapi = {.local = true, .endpoint = GW_LOCAL_OPENAPI};
static const gw_target local_docs = {.local = true, .endpoint = GW_LOCAL_DOCS};

#define O "/v1/organizations/{organization_id}"
#define L O "/ledgers/{ledger_id}"

#define GP (HTTP_M_GET | HTTP_M_POST)
#define GPD (HTTP_M_GET | HTTP_M_PATCH | HTTP_M_DELETE)

/* Order follows api.md so a reviewer can compare line by line; the router does not depend on order. */
const route_def gw_routes[] = {
    /* onboarding */
    {GP, "/v1/organizations", &to_onboarding},
    {GP, O "/ledgers", &to_onboarding},
    {GPD, O, &to_onboarding},
    {GPD, L, &to_onboarding},
    {HTTP_M_HEAD, "/v1/organizations/metrics/count", &to_onboarding},
    {HTTP_M_HEAD, O "/ledgers/metrics/count", &to_onboarding},

    /* portfolio */
    {GP, L "/assets", &to_portfolio},
    {GP, L "/segments", &to_portfolio},
    {GP, L "/portfolios", &to_portfolio},
    {GP, L "/accounts", &to_portfolio},
    {HTTP_M_HEAD, L "/assets/metrics/count", &to_portfolio},
    {HTTP_M_HEAD, L "/segments/metrics/count", &to_portfolio},
    {HTTP_M_HEAD, L "/portfolios/metrics/count", &to_portfolio},
    {HTTP_M_HEAD, L "/accounts/metrics/count", &to_portfolio},
    {GPD, L "/assets/{asset_id}", &to_portfolio},
    {GPD, L "/segments/{segment_id}", &to_portfolio},
    {GPD, L "/portfolios/{portfolio_id}", &to_portfolio},
    {GPD, L "/accounts/{account_id}", &to_portfolio},
    {HTTP_M_GET, L "/accounts/alias/{alias}", &to_portfolio},
    {HTTP_M_GET, L "/accounts/external/{asset_code}", &to_portfolio},

    /* transaction (transactions.md section 1) */
    {HTTP_M_POST, L "/transactions/json", &to_transaction},
    {HTTP_M_POST, L "/transactions/inflow", &to_transaction},
    {HTTP_M_POST, L "/transactions/outflow", &to_transaction},
    {HTTP_M_POST, L "/transactions/dsl", &to_transaction},
    {HTTP_M_GET, L "/transactions", &to_transaction},
    {HTTP_M_HEAD, L "/transactions/metrics/count", &to_transaction},
    {HTTP_M_GET | HTTP_M_PATCH, L "/transactions/{transaction_id}", &to_transaction},
    {HTTP_M_POST, L "/transactions/{transaction_id}/commit", &to_transaction},
    {HTTP_M_POST, L "/transactions/{transaction_id}/cancel", &to_transaction},
    {HTTP_M_POST, L "/transactions/{transaction_id}/revert", &to_transaction},
    {HTTP_M_PATCH, L "/transactions/{transaction_id}/operations/{operation_id}", &to_transaction},
    {HTTP_M_GET, L "/balances", &to_transaction},
    {GPD, L "/balances/{balance_id}", &to_transaction},
    {GP, L "/accounts/{account_id}/balances", &to_transaction},
    {HTTP_M_GET, L "/accounts/alias/{alias}/balances", &to_transaction},
    {HTTP_M_GET, L "/accounts/external/{asset_code}/balances", &to_transaction},
    {HTTP_M_GET, L "/accounts/{account_id}/operations", &to_transaction},
    {HTTP_M_GET, L "/accounts/{account_id}/operations/{operation_id}", &to_transaction},
    /* The legacy portfolio operation rows belong to transaction, not to portfolio. */
    {HTTP_M_GET, L "/portfolios/{portfolio_id}/operations", &to_transaction},
    {HTTP_M_GET, L "/portfolios/{portfolio_id}/operations/{operation_id}", &to_transaction},

    /* the gateway's own endpoints */
    {HTTP_M_GET, "/health", &local_health},
    {HTTP_M_GET, "/readyz", &local_readyz},
    {HTTP_M_GET, "/version", &local_version},
    {HTTP_M_GET, "/metrics", &local_metrics},
    {HTTP_M_GET, "/v1/openapi.json", &local_openapi},
    {HTTP_M_GET, "/docs", &local_docs},
};

const size_t gw_routes_count = ARRAY_LEN(gw_routes);

#undef GPD
#undef GP
#undef L
#undef O

const gw_target *gw_route_target(const route_def *def)
{
    return def != NULL ? (const gw_target *)def->data : NULL;
}

const char *gw_upstream_name(gw_upstream u)
{
    switch (u) {
    case GW_ONBOARDING:
        return "onboarding";
    case GW_PORTFOLIO:
        return "portfolio";
    case GW_TRANSACTION:
        return "transaction";
    }
    return "unknown";
}

router *gw_routes_router(void)
{
    return router_new(gw_routes, gw_routes_count);
}

route_result gw_route_lookup(const router *rt, const char *method, const char *uri, gw_lookup *out)
{
    route_match m;
    const char *q = NULL;
    char *path = NULL;
    route_result res = ROUTE_NOT_FOUND;

    memset(out, 0, sizeof(*out));
    memset(&m, 0, sizeof(m));
    /* The query string never takes part in matching. */
    q = strchr(uri, '?');
    path = q != NULL ? xstrndup(uri, (size_t)(q - uri)) : xstrdup(uri);

    res = router_match(rt, path, http_method_bit(method), &m);
    out->result = res;
    if (res == ROUTE_OK || res == ROUTE_METHOD_NOT_ALLOWED) {
        out->tmpl = m.tmpl;
        out->allowed = m.allowed;
    }
    if (res == ROUTE_OK) {
        out->target = gw_route_target(m.def);
        out->param_count = m.param_count;
        for (size_t i = 0; i < m.param_count && i < ROUTER_MAX_PARAMS; i++) {
            snprintf(out->param_names[i], sizeof(out->param_names[i]), "%s",
                     m.param_names[i] != NULL ? m.param_names[i] : "");
            snprintf(out->param_values[i], sizeof(out->param_values[i]), "%s",
                     m.param_values[i] != NULL ? m.param_values[i] : "");
        }
    }
    route_match_clear(&m);
    free(path);
    return res;
}

const char *gw_lookup_param(const gw_lookup *l, const char *name)
{
    for (size_t i = 0; i < l->param_count && i < ROUTER_MAX_PARAMS; i++) {
        if (strcmp(l->param_names[i], name) == 0)
            return l->param_values[i];
    }
    return NULL;
}
