/* HTTP handlers of the ledger routes (api.md "Ledgers") and the ledger's JSON representation (shared
 * by responses and events). A ledger delete first asks the portfolio service to close the ledger
 * (internal call) and deletes only when it agrees. No SQL here (store_ledger.c). */
#pragma once
#include <json-c/json.h>

#include "http/http.h"
#include "store_ledger.h"

/* The representation GET returns. New reference owned by the caller. */
json_object *ledger_to_json(const ledger *l);

void ledger_create(http_request *r); /* POST O/ledgers */
void ledger_list(http_request *r);   /* GET O/ledgers */
void ledger_get(http_request *r);    /* GET L (also GET /internal L, events.md 7.3) */
void ledger_patch(http_request *r);  /* PATCH L */
void ledger_delete(http_request *r); /* DELETE L */
void ledger_count(http_request *r);  /* HEAD O/ledgers/metrics/count */
