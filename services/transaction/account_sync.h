/* The internal registry refresh the portfolio service calls inside its account PATCH transaction,
 * before it commits (api.md "Consistency": an operation written right after the PATCH's 2xx must record
 * the new portfolioId, transactions.md 6). Never routed by the gateway. */
#pragma once
#include "http/http.h"

/* POST /internal/v1/organizations/{o}/ledgers/{l}/accounts/{a}/registry with the account representation
 * (the account.updated event data) as the body: registers or refreshes the account under the updatedAt
 * rule of events.md 7 (a stored newer state is kept), applying the account.created effect when the
 * account was not registered yet (default balance insert-if-absent, unless closed). 204 on success;
 * 400 0094 for a body that is not such an account of the path's organization, ledger and id; the
 * database error otherwise. Any answer but 204 makes the caller's PATCH fail with 503 0901. */
void account_registry_sync(http_request *r);
