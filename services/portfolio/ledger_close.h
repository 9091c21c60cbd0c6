/* The internal ledger close (api.md "Ledgers" delete rule): POST
 * /internal/v1/organizations/{organization_id}/ledgers/{ledger_id}/close, called by the onboarding
 * service before it soft-deletes a ledger; outside /v1 and never routed by the gateway. */
#pragma once
#include "http/http.h"

/* In one transaction: lock the ledger's registry row FOR UPDATE (registering it through the
 * read-through first when missing), answer 422 0008 while the ledger has a live account (external
 * included), else mark it closed (every later child create or route under it answers 0037) and
 * answer 204. Closing a closed ledger answers 204 again. 404 0037 when onboarding does not know it. */
void ledger_close(http_request *r);
