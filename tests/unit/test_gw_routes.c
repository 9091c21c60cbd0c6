/* Unit tests of the gateway's pure code: the route table (gateway/gw_routes.c) against every
 * route-matching example of api.md "Route matching" and every row of "Route ownership" (each listed
 * method reaches the owner, every other method is 405 with the exact Allow set), plus the header
 * forwarding rules. No sockets. (The upstream URLs are parsed by common/config: test_config.c.) */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "gw_headers.h"
#include "gw_routes.h"
#include "util/mem.h"

#define ORG "0192e4a0-1111-7000-8000-000000000001"
#define LED "0192e4a0-2222-7000-8000-000000000002"
#define ID3 "0192e4a0-3333-7000-8000-000000000003"
#define ID4 "0192e4a0-4444-7000-8000-000000000004"
#define O "/v1/organizations/" ORG
#define L O "/ledgers/" LED

enum { OWNER_ONBOARDING, OWNER_PORTFOLIO, OWNER_TRANSACTION, OWNER_LOCAL };

static router *rt;

static void setup(void)
{
    rt = gw_routes_router();
    cr_assert_not_null(rt, "the gateway table must build a router");
}

static void teardown(void)
{
    router_free(rt);
    rt = NULL;
}

static int owner_of(const gw_lookup *l)
{
    if (l->target == NULL)
        return -1;
    if (l->target->local)
        return OWNER_LOCAL;
    switch (l->target->upstream) {
    case GW_ONBOARDING:
        return OWNER_ONBOARDING;
    case GW_PORTFOLIO:
        return OWNER_PORTFOLIO;
    case GW_TRANSACTION:
        return OWNER_TRANSACTION;
    }
    return -1;
}

static void allow_text(unsigned methods, char *out, size_t cap)
{
    router_allow_header(methods, out, cap);
}

/* ---- api.md "Route matching" examples --------------------------------------------------------- */

typedef struct match_case {
    const char *name;
    const char *method;
    const char *uri;
    route_result result;
    int owner;         /* ROUTE_OK only */
    const char *tmpl;  /* OK and 405; NULL = not checked */
    const char *allow; /* 405 only */
    const char *param; /* OK: a parameter to check (NULL = none) */
    const char *value; /* its decoded value */
} match_case;

static const match_case match_cases[] = {
    {"json is POST only", "GET", L "/transactions/json", ROUTE_METHOD_NOT_ALLOWED, 0,
     "/v1/organizations/{organization_id}/ledgers/{ledger_id}/transactions/json", "POST", NULL, NULL},
    {"organizations/metrics is an organization id", "GET", "/v1/organizations/metrics", ROUTE_OK,
     OWNER_ONBOARDING, "/v1/organizations/{organization_id}", NULL, "organization_id", "metrics"},
    {"alias lookup of 'balances'", "GET", L "/accounts/alias/balances", ROUTE_OK, OWNER_PORTFOLIO,
     "/v1/organizations/{organization_id}/ledgers/{ledger_id}/accounts/alias/{alias}", NULL, "alias",
     "balances"},
    {"alias balances go to transaction", "GET", L "/accounts/alias/x/balances", ROUTE_OK, OWNER_TRANSACTION,
     "/v1/organizations/{organization_id}/ledgers/{ledger_id}/accounts/alias/{alias}/balances", NULL, "alias",
     "x"},
    {"alias is percent-decoded", "GET", L "/accounts/alias/@external%2FUSD", ROUTE_OK, OWNER_PORTFOLIO, NULL,
     NULL, "alias", "@external/USD"},
    {"encoded slash stays in one segment", "GET", L "/accounts/alias/@external%2FUSD/balances", ROUTE_OK,
     OWNER_TRANSACTION, NULL, NULL, "alias", "@external/USD"},
    {"external balances go to transaction", "GET", L "/accounts/external/USD/balances", ROUTE_OK,
     OWNER_TRANSACTION, NULL, NULL, "asset_code", "USD"},
    {"external account goes to portfolio", "GET", L "/accounts/external/USD", ROUTE_OK, OWNER_PORTFOLIO, NULL,
     NULL, "asset_code", "USD"},
    {"accounts/alias alone is an account id", "GET", L "/accounts/alias", ROUTE_OK, OWNER_PORTFOLIO,
     "/v1/organizations/{organization_id}/ledgers/{ledger_id}/accounts/{account_id}", NULL, "account_id",
     "alias"},
    {"legacy portfolio operations go to transaction", "GET", L "/portfolios/" ID3 "/operations", ROUTE_OK,
     OWNER_TRANSACTION, NULL, NULL, "portfolio_id", ID3},
    {"legacy portfolio operation goes to transaction", "GET", L "/portfolios/" ID3 "/operations/" ID4,
     ROUTE_OK, OWNER_TRANSACTION, NULL, NULL, "operation_id", ID4},
    {"portfolio itself goes to portfolio", "GET", L "/portfolios/" ID3, ROUTE_OK, OWNER_PORTFOLIO, NULL, NULL,
     "portfolio_id", ID3},
    {"account balances go to transaction", "POST", L "/accounts/" ID3 "/balances", ROUTE_OK,
     OWNER_TRANSACTION, NULL, NULL, "account_id", ID3},
    {"account itself goes to portfolio", "DELETE", L "/accounts/" ID3, ROUTE_OK, OWNER_PORTFOLIO, NULL, NULL,
     NULL, NULL},
    {"trailing slash", "GET", "/v1/organizations/", ROUTE_NOT_FOUND, 0, NULL, NULL, NULL, NULL},
    {"trailing slash below a ledger", "GET", L "/accounts/", ROUTE_NOT_FOUND, 0, NULL, NULL, NULL, NULL},
    {"doubled slash", "GET", "/v1//organizations", ROUTE_NOT_FOUND, 0, NULL, NULL, NULL, NULL},
    {"doubled slash in place of an id", "GET", "/v1/organizations//ledgers", ROUTE_NOT_FOUND, 0, NULL, NULL,
     NULL, NULL},
    {"unknown path", "GET", "/v1/unknown", ROUTE_NOT_FOUND, 0, NULL, NULL, NULL, NULL},
    {"root", "GET", "/", ROUTE_NOT_FOUND, 0, NULL, NULL, NULL, NULL},
    {"internal paths are never routed", "GET", "/internal" L, ROUTE_NOT_FOUND, 0, NULL, NULL, NULL, NULL},
    {"internal close is never routed", "POST", "/internal" L "/close", ROUTE_NOT_FOUND, 0, NULL, NULL, NULL,
     NULL},
    {"unknown method on a known path", "TRACE", "/v1/organizations", ROUTE_METHOD_NOT_ALLOWED, 0, NULL,
     "GET, POST", NULL, NULL},
    {"OPTIONS is never served", "OPTIONS", "/v1/organizations", ROUTE_METHOD_NOT_ALLOWED, 0, NULL,
     "GET, POST", NULL, NULL},
    {"OPTIONS on a gateway endpoint", "OPTIONS", "/health", ROUTE_METHOD_NOT_ALLOWED, 0, NULL, "GET", NULL,
     NULL},
    {"HEAD is not served on a list", "HEAD", "/v1/organizations", ROUTE_METHOD_NOT_ALLOWED, 0, NULL,
     "GET, POST", NULL, NULL},
    {"HEAD is not served on an entity", "HEAD", L "/accounts/" ID3, ROUTE_METHOD_NOT_ALLOWED, 0, NULL,
     "GET, PATCH, DELETE", NULL, NULL},
    {"HEAD is not served on health", "HEAD", "/health", ROUTE_METHOD_NOT_ALLOWED, 0, NULL, "GET", NULL, NULL},
    {"GET on a count is 405", "GET", "/v1/organizations/metrics/count", ROUTE_METHOD_NOT_ALLOWED, 0,
     "/v1/organizations/metrics/count", "HEAD", NULL, NULL},
    {"organization count", "HEAD", "/v1/organizations/metrics/count", ROUTE_OK, OWNER_ONBOARDING,
     "/v1/organizations/metrics/count", NULL, NULL, NULL},
    {"transaction count: metrics is a literal", "HEAD", L "/transactions/metrics/count", ROUTE_OK,
     OWNER_TRANSACTION, "/v1/organizations/{organization_id}/ledgers/{ledger_id}/transactions/metrics/count",
     NULL, NULL, NULL},
    {"account count", "HEAD", L "/accounts/metrics/count", ROUTE_OK, OWNER_PORTFOLIO, NULL, NULL, NULL, NULL},
    {"query string is ignored", "GET", "/v1/organizations?limit=5&page=2", ROUTE_OK, OWNER_ONBOARDING,
     "/v1/organizations", NULL, NULL, NULL},
    {"query string with a slash is ignored", "HEAD", L "/transactions/metrics/count?x=/a/b", ROUTE_OK,
     OWNER_TRANSACTION, NULL, NULL, NULL, NULL},
    {"query string does not hide a trailing slash", "GET", "/v1/organizations/?limit=5", ROUTE_NOT_FOUND, 0,
     NULL, NULL, NULL, NULL},
    {"transaction id 'metrics' alone is a transaction id", "GET", L "/transactions/metrics", ROUTE_OK,
     OWNER_TRANSACTION,
     "/v1/organizations/{organization_id}/ledgers/{ledger_id}/transactions/{transaction_id}", NULL,
     "transaction_id", "metrics"},
    {"openapi document is local", "GET", "/v1/openapi.json", ROUTE_OK, OWNER_LOCAL, NULL, NULL, NULL, NULL},
    {"openapi document is GET only", "POST", "/v1/openapi.json", ROUTE_METHOD_NOT_ALLOWED, 0, NULL, "GET",
     NULL, NULL},
    {"ledger ids are not checked by the gateway", "GET", "/v1/organizations/x/ledgers/y", ROUTE_OK,
     OWNER_ONBOARDING, "/v1/organizations/{organization_id}/ledgers/{ledger_id}", NULL, "ledger_id", "y"},
};

Test(gw_routes, route_matching_examples, .init = setup, .fini = teardown)
{
    for (size_t i = 0; i < ARRAY_LEN(match_cases); i++) {
        const match_case *c = &match_cases[i];
        gw_lookup l;
        route_result res = gw_route_lookup(rt, c->method, c->uri, &l);
        cr_expect_eq(res, c->result, "%s: %s %s: result %d, want %d", c->name, c->method, c->uri, (int)res,
                     (int)c->result);
        cr_expect_eq(l.result, res, "%s: out->result mirrors the return value", c->name);
        if (res != c->result)
            continue;
        if (c->result == ROUTE_OK) {
            cr_expect_eq(owner_of(&l), c->owner, "%s: owner %d, want %d", c->name, owner_of(&l), c->owner);
        }
        if (c->tmpl != NULL) {
            cr_expect_str_eq(l.tmpl, c->tmpl, "%s: template", c->name);
        }
        if (c->allow != NULL) {
            char allow[64];
            allow_text(l.allowed, allow, sizeof(allow));
            cr_expect_str_eq(allow, c->allow, "%s: Allow '%s', want '%s'", c->name, allow, c->allow);
        }
        if (c->param != NULL) {
            const char *v = gw_lookup_param(&l, c->param);
            cr_expect_not_null(v, "%s: parameter %s present", c->name, c->param);
            if (v != NULL)
                cr_expect_str_eq(v, c->value, "%s: %s = '%s', want '%s'", c->name, c->param, v, c->value);
        }
    }
}

/* ---- one case per row of api.md "Route ownership" -------------------------------------------- */

typedef struct owner_row {
    const char *path; /* a concrete path the template must match */
    unsigned methods; /* exactly the methods api.md lists */
    int owner;
    const char *allow; /* the Allow text of every other method */
    const char *tmpl;  /* template expected for this path */
} owner_row;

#define GP (HTTP_M_GET | HTTP_M_POST)
#define GPD (HTTP_M_GET | HTTP_M_PATCH | HTTP_M_DELETE)
#define TO "/v1/organizations/{organization_id}"
#define TL TO "/ledgers/{ledger_id}"

static const owner_row owner_rows[] = {
    {"/v1/organizations", GP, OWNER_ONBOARDING, "GET, POST", "/v1/organizations"},
    {O "/ledgers", GP, OWNER_ONBOARDING, "GET, POST", TO "/ledgers"},
    {O, GPD, OWNER_ONBOARDING, "GET, PATCH, DELETE", TO},
    {L, GPD, OWNER_ONBOARDING, "GET, PATCH, DELETE", TL},
    {"/v1/organizations/metrics/count", HTTP_M_HEAD, OWNER_ONBOARDING, "HEAD",
     "/v1/organizations/metrics/count"},
    {O "/ledgers/metrics/count", HTTP_M_HEAD, OWNER_ONBOARDING, "HEAD", TO "/ledgers/metrics/count"},
    {L "/assets", GP, OWNER_PORTFOLIO, "GET, POST", TL "/assets"},
    {L "/segments", GP, OWNER_PORTFOLIO, "GET, POST", TL "/segments"},
    {L "/portfolios", GP, OWNER_PORTFOLIO, "GET, POST", TL "/portfolios"},
    {L "/accounts", GP, OWNER_PORTFOLIO, "GET, POST", TL "/accounts"},
    {L "/assets/metrics/count", HTTP_M_HEAD, OWNER_PORTFOLIO, "HEAD", TL "/assets/metrics/count"},
    {L "/segments/metrics/count", HTTP_M_HEAD, OWNER_PORTFOLIO, "HEAD", TL "/segments/metrics/count"},
    {L "/portfolios/metrics/count", HTTP_M_HEAD, OWNER_PORTFOLIO, "HEAD", TL "/portfolios/metrics/count"},
    {L "/accounts/metrics/count", HTTP_M_HEAD, OWNER_PORTFOLIO, "HEAD", TL "/accounts/metrics/count"},
    {L "/assets/" ID3, GPD, OWNER_PORTFOLIO, "GET, PATCH, DELETE", TL "/assets/{asset_id}"},
    {L "/segments/" ID3, GPD, OWNER_PORTFOLIO, "GET, PATCH, DELETE", TL "/segments/{segment_id}"},
    {L "/portfolios/" ID3, GPD, OWNER_PORTFOLIO, "GET, PATCH, DELETE", TL "/portfolios/{portfolio_id}"},
    {L "/accounts/" ID3, GPD, OWNER_PORTFOLIO, "GET, PATCH, DELETE", TL "/accounts/{account_id}"},
    {L "/accounts/alias/@cash", HTTP_M_GET, OWNER_PORTFOLIO, "GET", TL "/accounts/alias/{alias}"},
    {L "/accounts/external/BRL", HTTP_M_GET, OWNER_PORTFOLIO, "GET", TL "/accounts/external/{asset_code}"},
    {L "/transactions/json", HTTP_M_POST, OWNER_TRANSACTION, "POST", TL "/transactions/json"},
    {L "/transactions/inflow", HTTP_M_POST, OWNER_TRANSACTION, "POST", TL "/transactions/inflow"},
    {L "/transactions/outflow", HTTP_M_POST, OWNER_TRANSACTION, "POST", TL "/transactions/outflow"},
    {L "/transactions/dsl", HTTP_M_POST, OWNER_TRANSACTION, "POST", TL "/transactions/dsl"},
    {L "/transactions", HTTP_M_GET, OWNER_TRANSACTION, "GET", TL "/transactions"},
    {L "/transactions/metrics/count", HTTP_M_HEAD, OWNER_TRANSACTION, "HEAD",
     TL "/transactions/metrics/count"},
    {L "/transactions/" ID3, HTTP_M_GET | HTTP_M_PATCH, OWNER_TRANSACTION, "GET, PATCH",
     TL "/transactions/{transaction_id}"},
    {L "/transactions/" ID3 "/commit", HTTP_M_POST, OWNER_TRANSACTION, "POST",
     TL "/transactions/{transaction_id}/commit"},
    {L "/transactions/" ID3 "/cancel", HTTP_M_POST, OWNER_TRANSACTION, "POST",
     TL "/transactions/{transaction_id}/cancel"},
    {L "/transactions/" ID3 "/revert", HTTP_M_POST, OWNER_TRANSACTION, "POST",
     TL "/transactions/{transaction_id}/revert"},
    {L "/transactions/" ID3 "/operations/" ID4, HTTP_M_PATCH, OWNER_TRANSACTION, "PATCH",
     TL "/transactions/{transaction_id}/operations/{operation_id}"},
    {L "/balances", HTTP_M_GET, OWNER_TRANSACTION, "GET", TL "/balances"},
    {L "/balances/" ID3, GPD, OWNER_TRANSACTION, "GET, PATCH, DELETE", TL "/balances/{balance_id}"},
    {L "/accounts/" ID3 "/balances", GP, OWNER_TRANSACTION, "GET, POST",
     TL "/accounts/{account_id}/balances"},
    {L "/accounts/alias/@cash/balances", HTTP_M_GET, OWNER_TRANSACTION, "GET",
     TL "/accounts/alias/{alias}/balances"},
    {L "/accounts/external/BRL/balances", HTTP_M_GET, OWNER_TRANSACTION, "GET",
     TL "/accounts/external/{asset_code}/balances"},
    {L "/accounts/" ID3 "/operations", HTTP_M_GET, OWNER_TRANSACTION, "GET",
     TL "/accounts/{account_id}/operations"},
    {L "/accounts/" ID3 "/operations/" ID4, HTTP_M_GET, OWNER_TRANSACTION, "GET",
     TL "/accounts/{account_id}/operations/{operation_id}"},
    {L "/portfolios/" ID3 "/operations", HTTP_M_GET, OWNER_TRANSACTION, "GET",
     TL "/portfolios/{portfolio_id}/operations"},
    {L "/portfolios/" ID3 "/operations/" ID4, HTTP_M_GET, OWNER_TRANSACTION, "GET",
     TL "/portfolios/{portfolio_id}/operations/{operation_id}"},
    {"/health", HTTP_M_GET, OWNER_LOCAL, "GET", "/health"},
    {"/readyz", HTTP_M_GET, OWNER_LOCAL, "GET", "/readyz"},
    {"/version", HTTP_M_GET, OWNER_LOCAL, "GET", "/version"},
    {"/metrics", HTTP_M_GET, OWNER_LOCAL, "GET", "/metrics"},
    {"/v1/openapi.json", HTTP_M_GET, OWNER_LOCAL, "GET", "/v1/openapi.json"},
    {"/docs", HTTP_M_GET, OWNER_LOCAL, "GET", "/docs"},
};

static const unsigned every_method[] = {HTTP_M_GET,   HTTP_M_HEAD,   HTTP_M_POST,   HTTP_M_PUT,
                                        HTTP_M_PATCH, HTTP_M_DELETE, HTTP_M_OPTIONS};

/* Criterion may run each parameter in a fresh process, where pointers into the parent's data are
 * meaningless, so the parameter is an index into owner_rows. */
ParameterizedTestParameters(gw_routes, ownership_row)
{
    static size_t indices[ARRAY_LEN(owner_rows)];
    for (size_t i = 0; i < ARRAY_LEN(owner_rows); i++)
        indices[i] = i;
    return cr_make_param_array(size_t, indices, ARRAY_LEN(owner_rows));
}

ParameterizedTest(size_t *index, gw_routes, ownership_row, .init = setup, .fini = teardown)
{
    const owner_row *row = &owner_rows[*index];
    for (size_t i = 0; i < ARRAY_LEN(every_method); i++) {
        const char *mname = http_method_name(every_method[i]);
        gw_lookup l;
        route_result res = gw_route_lookup(rt, mname, row->path, &l);
        char allow[64];

        cr_expect_str_eq(l.tmpl != NULL ? l.tmpl : "(none)", row->tmpl, "%s %s: template", mname, row->path);
        allow_text(l.allowed, allow, sizeof(allow));
        cr_expect_str_eq(allow, row->allow, "%s %s: method set '%s', want '%s'", mname, row->path, allow,
                         row->allow);
        if (row->methods & every_method[i]) {
            cr_expect_eq(res, ROUTE_OK, "%s %s must be served", mname, row->path);
            cr_expect_eq(owner_of(&l), row->owner, "%s %s: owner %d, want %d", mname, row->path, owner_of(&l),
                         row->owner);
        } else {
            cr_expect_eq(res, ROUTE_METHOD_NOT_ALLOWED, "%s %s must be 405", mname, row->path);
            cr_expect_null(l.target, "%s %s: no target on 405", mname, row->path);
        }
    }
}

/* The table holds exactly api.md's rows: 40 public rows, 6 gateway rows, nothing else. */
Test(gw_routes, table_size_and_owners)
{
    size_t per_owner[4] = {0};
    for (size_t i = 0; i < gw_routes_count; i++) {
        const gw_target *t = gw_route_target(&gw_routes[i]);
        cr_assert_not_null(t, "row %zu has a target", i);
        cr_expect_eq(gw_routes[i].methods & (HTTP_M_OPTIONS | HTTP_M_PUT | HTTP_M_OTHER), 0u,
                     "row %s: OPTIONS, PUT and other methods are never served", gw_routes[i].tmpl);
        per_owner[t->local ? 3 : (size_t)t->upstream]++;
        if (t->local)
            cr_expect_eq(gw_routes[i].methods, (unsigned)HTTP_M_GET, "local rows are GET only");
    }
    cr_expect_eq(gw_routes_count, ARRAY_LEN(owner_rows), "every row is covered by the test table");
    cr_expect_eq(per_owner[GW_ONBOARDING], 6u);
    cr_expect_eq(per_owner[GW_PORTFOLIO], 14u);
    cr_expect_eq(per_owner[GW_TRANSACTION], 20u);
    cr_expect_eq(per_owner[3], 6u);
}

/* Every /v1 template appears under exactly one owner, and every row's template is reached by the
 * concrete path the ownership test uses (so no row of the table is left unexercised). */
Test(gw_routes, every_row_is_exercised, .init = setup, .fini = teardown)
{
    for (size_t i = 0; i < gw_routes_count; i++) {
        bool seen = false;
        for (size_t k = 0; k < ARRAY_LEN(owner_rows); k++)
            seen = seen || strcmp(owner_rows[k].tmpl, gw_routes[i].tmpl) == 0;
        cr_expect(seen, "row %s has a case", gw_routes[i].tmpl);
        for (size_t j = 0; j < gw_routes_count; j++) {
            if (i != j && strcmp(gw_routes[i].tmpl, gw_routes[j].tmpl) == 0)
                cr_expect_eq(gw_route_target(&gw_routes[i]), gw_route_target(&gw_routes[j]),
                             "template %s is listed under two owners", gw_routes[i].tmpl);
        }
    }
}

Test(gw_routes, upstream_names)
{
    cr_expect_str_eq(gw_upstream_name(GW_ONBOARDING), "onboarding");
    cr_expect_str_eq(gw_upstream_name(GW_PORTFOLIO), "portfolio");
    cr_expect_str_eq(gw_upstream_name(GW_TRANSACTION), "transaction");
}

/* A parameter longer than the lookup's copy buffer is truncated, never overflowed. */
Test(gw_routes, long_parameter_is_truncated, .init = setup, .fini = teardown)
{
    char uri[1024];
    char alias[600];
    memset(alias, 'a', sizeof(alias) - 1);
    alias[sizeof(alias) - 1] = '\0';
    snprintf(uri, sizeof(uri), L "/accounts/alias/%s", alias);
    gw_lookup l;
    cr_assert_eq(gw_route_lookup(rt, "GET", uri, &l), ROUTE_OK);
    const char *v = gw_lookup_param(&l, "alias");
    cr_assert_not_null(v);
    cr_expect_eq(strlen(v), sizeof(l.param_values[0]) - 1);
    cr_expect_null(gw_lookup_param(&l, "account_id"));
}

/* ---- header forwarding (gw_headers.c) ------------------------------------------------------------ */

typedef struct header_case {
    const char *name;
    const char *connection; /* the message's Connection value, or NULL */
    bool skip_request;
    bool skip_response;
} header_case;

static const header_case header_cases[] = {
    {"Connection", NULL, true, true},
    {"keep-alive", NULL, true, true},
    {"Transfer-Encoding", NULL, true, true},
    {"TE", NULL, true, true},
    {"Trailer", NULL, true, true},
    {"Upgrade", NULL, true, true},
    {"Proxy-Authorization", NULL, true, true},
    {"proxy-connection", NULL, true, true},
    {"Host", NULL, true, false},
    {"Content-Length", NULL, true, true},
    {"X-Request-Id", NULL, true, true},
    {"x-request-id", NULL, true, true},
    {"Expect", NULL, true, false},
    {"Content-Type", NULL, false, true},
    {"Authorization", NULL, false, false},
    {"X-Idempotency", NULL, false, false},
    {"X-TTL", NULL, false, false},
    {"X-Idempotency-Replayed", NULL, false, false},
    {"X-Total-Count", NULL, false, false},
    {"Allow", NULL, false, false},
    {"Set-Cookie", NULL, false, false},
    {"X-Hop", "close, X-Hop", true, true},
    {"x-hop", "keep-alive,X-HOP", true, true},
    {"X-Hop", "close, X-Hopper", false, false},
    {"X-Hopper", "close, X-Hop", false, false},
    {"Date", "", false, false},
};

Test(gw_headers, forwarding_rules)
{
    for (size_t i = 0; i < ARRAY_LEN(header_cases); i++) {
        const header_case *c = &header_cases[i];
        cr_expect_eq(gw_header_skip_request(c->name, c->connection), c->skip_request,
                     "request %s (Connection: %s): skip must be %d", c->name,
                     c->connection ? c->connection : "-", c->skip_request);
        cr_expect_eq(gw_header_skip_response(c->name, c->connection), c->skip_response,
                     "response %s (Connection: %s): skip must be %d", c->name,
                     c->connection ? c->connection : "-", c->skip_response);
    }
}

Test(gw_headers, connection_options)
{
    cr_expect(gw_header_in_connection("close", "close"));
    cr_expect(gw_header_in_connection(" ,\tfoo , bar", "bar"));
    cr_expect_not(gw_header_in_connection(NULL, "foo"));
    cr_expect_not(gw_header_in_connection("foo", ""));
    cr_expect_not(gw_header_in_connection("foobar", "foo"));
    cr_expect(gw_header_hop_by_hop("PROXY-AUTHENTICATE"));
    cr_expect_not(gw_header_hop_by_hop("Proxy"));
}
