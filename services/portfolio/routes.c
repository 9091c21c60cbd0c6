/* The portfolio service's route table: the /v1 rows api.md "Route ownership" gives this service, plus
 * the internal rows outside /v1 (ledger close, read-only mirrors for the transaction service's
 * fallback) that the gateway never routes. The operational endpoints are appended by common/service. */
#include "routes.h"

#include "accounts.h"
#include "assets.h"
#include "http/http.h"
#include "ledger_close.h"
#include "portfolios.h"
#include "segments.h"

#define L "/v1/organizations/{organization_id}/ledgers/{ledger_id}"
#define IL "/internal" L

#define ROUTE(name, fn) static const http_route name = {fn, NULL}
ROUTE(r_asset_create, asset_create);
ROUTE(r_asset_list, asset_list);
ROUTE(r_asset_get, asset_get);
ROUTE(r_asset_patch, asset_patch);
ROUTE(r_asset_delete, asset_delete);
ROUTE(r_asset_count, asset_count);
ROUTE(r_segment_create, segment_create);
ROUTE(r_segment_list, segment_list);
ROUTE(r_segment_get, segment_get);
ROUTE(r_segment_patch, segment_patch);
ROUTE(r_segment_delete, segment_delete);
ROUTE(r_segment_count, segment_count);
ROUTE(r_portfolio_create, portfolio_create);
ROUTE(r_portfolio_list, portfolio_list);
ROUTE(r_portfolio_get, portfolio_get);
ROUTE(r_portfolio_patch, portfolio_patch);
ROUTE(r_portfolio_delete, portfolio_delete);
ROUTE(r_portfolio_count, portfolio_count);
ROUTE(r_account_create, account_create);
ROUTE(r_account_list, account_list);
ROUTE(r_account_get, account_get);
ROUTE(r_account_patch, account_patch);
ROUTE(r_account_delete, account_delete);
ROUTE(r_account_count, account_count);
ROUTE(r_account_alias, account_get_by_alias);
ROUTE(r_account_external, account_get_external);
ROUTE(r_ledger_close, ledger_close);

const route_def portfolio_routes[] = {
    {HTTP_M_POST, L "/assets", &r_asset_create},
    {HTTP_M_GET, L "/assets", &r_asset_list},
    {HTTP_M_HEAD, L "/assets/metrics/count", &r_asset_count},
    {HTTP_M_GET, L "/assets/{asset_id}", &r_asset_get},
    {HTTP_M_PATCH, L "/assets/{asset_id}", &r_asset_patch},
    {HTTP_M_DELETE, L "/assets/{asset_id}", &r_asset_delete},

    {HTTP_M_POST, L "/segments", &r_segment_create},
    {HTTP_M_GET, L "/segments", &r_segment_list},
    {HTTP_M_HEAD, L "/segments/metrics/count", &r_segment_count},
    {HTTP_M_GET, L "/segments/{segment_id}", &r_segment_get},
    {HTTP_M_PATCH, L "/segments/{segment_id}", &r_segment_patch},
    {HTTP_M_DELETE, L "/segments/{segment_id}", &r_segment_delete},

    {HTTP_M_POST, L "/portfolios", &r_portfolio_create},
    {HTTP_M_GET, L "/portfolios", &r_portfolio_list},
    {HTTP_M_HEAD, L "/portfolios/metrics/count", &r_portfolio_count},
    {HTTP_M_GET, L "/portfolios/{portfolio_id}", &r_portfolio_get},
    {HTTP_M_PATCH, L "/portfolios/{portfolio_id}", &r_portfolio_patch},
    {HTTP_M_DELETE, L "/portfolios/{portfolio_id}", &r_portfolio_delete},

    {HTTP_M_POST, L "/accounts", &r_account_create},
    {HTTP_M_GET, L "/accounts", &r_account_list},
    {HTTP_M_HEAD, L "/accounts/metrics/count", &r_account_count},
    {HTTP_M_GET, L "/accounts/{account_id}", &r_account_get},
    {HTTP_M_PATCH, L "/accounts/{account_id}", &r_account_patch},
    {HTTP_M_DELETE, L "/accounts/{account_id}", &r_account_delete},
    {HTTP_M_GET, L "/accounts/alias/{alias}", &r_account_alias},
    {HTTP_M_GET, L "/accounts/external/{asset_code}", &r_account_external},

    /* Internal (events.md 7.3, api.md "Ledgers"): never routed by the gateway. */
    {HTTP_M_POST, "/internal/v1/organizations/{organization_id}/ledgers/{ledger_id}/close", &r_ledger_close},
    {HTTP_M_GET, IL "/accounts/{account_id}", &r_account_get},
    {HTTP_M_GET, IL "/accounts/alias/{alias}", &r_account_alias},
    {HTTP_M_GET, IL "/accounts/external/{asset_code}", &r_account_external},
    {HTTP_M_GET, IL "/portfolios/{portfolio_id}", &r_portfolio_get},
};
const size_t portfolio_routes_count = ARRAY_LEN(portfolio_routes);
