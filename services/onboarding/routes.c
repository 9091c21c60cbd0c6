/* The onboarding service's /v1 route table. Only rows of routes this service owns (api.md "Route
 * ownership") belong here, plus the read-only internal mirrors of its lookups (events.md 7.3, paths
 * outside /v1 that the gateway never forwards); the operational endpoints are appended by
 * common/service. */
#include "routes.h"

#include "http/http.h"
#include "ledgers.h"
#include "organizations.h"

#define ORGS "/v1/organizations"
#define ORG ORGS "/{organization_id}"
#define LEDGERS ORG "/ledgers"
#define LEDGER LEDGERS "/{ledger_id}"

static const http_route h_org_create = {organization_create, NULL};
static const http_route h_org_list = {organization_list, NULL};
static const http_route h_org_get = {organization_get, NULL};
static const http_route h_org_patch = {organization_patch, NULL};
static const http_route h_org_delete = {organization_delete, NULL};
static const http_route h_org_count = {organization_count, NULL};
static const http_route h_ledger_create = {ledger_create, NULL};
static const http_route h_ledger_list = {ledger_list, NULL};
static const http_route h_ledger_get = {ledger_get, NULL};
static const http_route h_ledger_patch = {ledger_patch, NULL};
static const http_route h_ledger_delete = {ledger_delete, NULL};
static const http_route h_ledger_count = {ledger_count, NULL};

const route_def onboarding_routes[] = {
    {HTTP_M_POST, ORGS, &h_org_create},
    {HTTP_M_GET, ORGS, &h_org_list},
    {HTTP_M_HEAD, ORGS "/metrics/count", &h_org_count},
    {HTTP_M_GET, ORG, &h_org_get},
    {HTTP_M_PATCH, ORG, &h_org_patch},
    {HTTP_M_DELETE, ORG, &h_org_delete},
    {HTTP_M_POST, LEDGERS, &h_ledger_create},
    {HTTP_M_GET, LEDGERS, &h_ledger_list},
    {HTTP_M_HEAD, LEDGERS "/metrics/count", &h_ledger_count},
    {HTTP_M_GET, LEDGER, &h_ledger_get},
    {HTTP_M_PATCH, LEDGER, &h_ledger_patch},
    {HTTP_M_DELETE, LEDGER, &h_ledger_delete},
    /* events.md 7.3: read-through lookups of the portfolio and transaction services. */
    {HTTP_M_GET, "/internal" ORG, &h_org_get},
    {HTTP_M_GET, "/internal" LEDGER, &h_ledger_get},
};
const size_t onboarding_routes_count = ARRAY_LEN(onboarding_routes);
