/* Operation handlers (transactions.md 11): O1 the account statement (cursor list with date, type and
 * direction filters), O2 one operation of an account, O3 PATCH of an operation's description and
 * metadata within its transaction, O4/O5 the legacy portfolio routes (operations whose portfolioId,
 * recorded at write time, is the path portfolio). */
#pragma once
#include "http/http.h"

void operation_list_account(http_request *r); /* O1 GET {L}/accounts/{account_id}/operations */
void operation_get_account(http_request *r);  /* O2 GET {L}/accounts/{account_id}/operations/{operation_id} */
void operation_list_portfolio(http_request *r); /* O4 GET {L}/portfolios/{portfolio_id}/operations */
void operation_get_portfolio(
    http_request *r); /* O5 GET {L}/portfolios/{portfolio_id}/operations/{operation_id} */
void operation_patch(
    http_request *r); /* O3 PATCH {L}/transactions/{transaction_id}/operations/{operation_id} */
