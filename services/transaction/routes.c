/* The transaction service's route table: the /v1 rows this service owns (api.md "Route ownership") and
 * its internal endpoints, never routed by the gateway (the balance close of transactions.md 12.3 and
 * the account registry refresh of account_sync.h); the operational endpoints are appended by
 * common/service. */
#include "routes.h"

#include "account_sync.h"
#include "balances.h"
#include "http/http.h"
#include "operations.h"
#include "transactions.h"

#define L "/v1/organizations/{organization_id}/ledgers/{ledger_id}"

static const http_route h_txn_json = {transaction_create_json, NULL};
static const http_route h_txn_inflow = {transaction_create_inflow, NULL};
static const http_route h_txn_outflow = {transaction_create_outflow, NULL};
static const http_route h_txn_dsl = {transaction_create_dsl, NULL};
static const http_route h_txn_commit = {transaction_commit, NULL};
static const http_route h_txn_cancel = {transaction_cancel, NULL};
static const http_route h_txn_revert = {transaction_revert, NULL};
static const http_route h_txn_list = {transaction_list, NULL};
static const http_route h_txn_count = {transaction_count, NULL};
static const http_route h_txn_get = {transaction_get, NULL};
static const http_route h_txn_patch = {transaction_patch, NULL};
static const http_route h_op_patch = {operation_patch, NULL};
static const http_route h_op_list = {operation_list_account, NULL};
static const http_route h_op_get = {operation_get_account, NULL};
static const http_route h_op_list_portfolio = {operation_list_portfolio, NULL};
static const http_route h_op_get_portfolio = {operation_get_portfolio, NULL};
static const http_route h_bal_list = {balance_list, NULL};
static const http_route h_bal_get = {balance_get, NULL};
static const http_route h_bal_patch = {balance_patch, NULL};
static const http_route h_bal_delete = {balance_delete, NULL};
static const http_route h_bal_account = {balance_list_account, NULL};
static const http_route h_bal_create = {balance_create, NULL};
static const http_route h_bal_alias = {balance_list_alias, NULL};
static const http_route h_bal_external = {balance_list_external, NULL};
static const http_route h_bal_close = {balance_close_account, NULL};
static const http_route h_acc_registry = {account_registry_sync, NULL};

const route_def transaction_routes[] = {
    {HTTP_M_POST, L "/transactions/json", &h_txn_json},
    {HTTP_M_POST, L "/transactions/inflow", &h_txn_inflow},
    {HTTP_M_POST, L "/transactions/outflow", &h_txn_outflow},
    {HTTP_M_POST, L "/transactions/dsl", &h_txn_dsl},
    {HTTP_M_GET, L "/transactions", &h_txn_list},
    {HTTP_M_HEAD, L "/transactions/metrics/count", &h_txn_count},
    {HTTP_M_GET, L "/transactions/{transaction_id}", &h_txn_get},
    {HTTP_M_PATCH, L "/transactions/{transaction_id}", &h_txn_patch},
    {HTTP_M_POST, L "/transactions/{transaction_id}/commit", &h_txn_commit},
    {HTTP_M_POST, L "/transactions/{transaction_id}/cancel", &h_txn_cancel},
    {HTTP_M_POST, L "/transactions/{transaction_id}/revert", &h_txn_revert},
    {HTTP_M_PATCH, L "/transactions/{transaction_id}/operations/{operation_id}", &h_op_patch},
    {HTTP_M_GET, L "/balances", &h_bal_list},
    {HTTP_M_GET, L "/balances/{balance_id}", &h_bal_get},
    {HTTP_M_PATCH, L "/balances/{balance_id}", &h_bal_patch},
    {HTTP_M_DELETE, L "/balances/{balance_id}", &h_bal_delete},
    {HTTP_M_GET, L "/accounts/{account_id}/balances", &h_bal_account},
    {HTTP_M_POST, L "/accounts/{account_id}/balances", &h_bal_create},
    {HTTP_M_GET, L "/accounts/alias/{alias}/balances", &h_bal_alias},
    {HTTP_M_GET, L "/accounts/external/{asset_code}/balances", &h_bal_external},
    {HTTP_M_GET, L "/accounts/{account_id}/operations", &h_op_list},
    {HTTP_M_GET, L "/accounts/{account_id}/operations/{operation_id}", &h_op_get},
    /* legacy (transactions.md 11): operations recorded with the portfolio at write time */
    {HTTP_M_GET, L "/portfolios/{portfolio_id}/operations", &h_op_list_portfolio},
    {HTTP_M_GET, L "/portfolios/{portfolio_id}/operations/{operation_id}", &h_op_get_portfolio},
    /* transactions.md 12.3: called by the portfolio service before it deletes an account */
    {HTTP_M_POST, "/internal" L "/accounts/{account_id}/balances/close", &h_bal_close},
    /* api.md Consistency, transactions.md 6: called by the portfolio service inside an account PATCH
     * (account_sync.h) so the next operation records the new portfolioId */
    {HTTP_M_POST, "/internal" L "/accounts/{account_id}/registry", &h_acc_registry},
};
const size_t transaction_routes_count = ARRAY_LEN(transaction_routes);
