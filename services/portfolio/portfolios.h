/* HTTP handlers of the portfolio routes (api.md "Portfolios") and the portfolio's JSON representation.
 * Handlers validate, run one transaction with the outbox event, and reply; no SQL here. */
#pragma once
#include <json-c/json.h>

#include "http/http.h"
#include "store_portfolio.h"

/* The representation GET returns. New reference for the caller. */
json_object *pf_portfolio_to_json(const pf_portfolio *p);

void portfolio_create(http_request *r); /* POST L/portfolios */
void portfolio_list(http_request *r);   /* GET L/portfolios */
void portfolio_get(http_request *r);    /* GET L/portfolios/{portfolio_id} */
void portfolio_patch(http_request *r);  /* PATCH L/portfolios/{portfolio_id} */
void portfolio_delete(http_request *r); /* DELETE L/portfolios/{portfolio_id} (never blocks) */
void portfolio_count(http_request *r);  /* HEAD L/portfolios/metrics/count */
