/* HTTP handlers of the account routes (api.md "Accounts"), including the alias and external lookups
 * and their /internal mirrors, and the account's JSON representation (shared by responses and
 * events). Handlers validate, run one transaction with the outbox event, and reply; no SQL here. */
#pragma once
#include <json-c/json.h>

#include "http/http.h"
#include "store_account.h"

/* The representation GET returns (deletedAt set for a deleted row). New reference for the caller. */
json_object *pf_account_to_json(const pf_account *a);

void account_create(http_request *r);       /* POST L/accounts */
void account_list(http_request *r);         /* GET L/accounts */
void account_get(http_request *r);          /* GET L/accounts/{account_id} (and its /internal mirror) */
void account_get_by_alias(http_request *r); /* GET L/accounts/alias/{alias} (and mirror) */
void account_get_external(http_request *r); /* GET L/accounts/external/{asset_code} (and mirror) */
void account_patch(http_request *r);        /* PATCH L/accounts/{account_id} */
void account_delete(http_request *r);       /* DELETE L/accounts/{account_id} (balance close first) */
void account_count(http_request *r);        /* HEAD L/accounts/metrics/count */
