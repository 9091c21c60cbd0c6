/* HTTP handlers of the asset routes (api.md "Assets") and the asset's JSON representation (shared by
 * responses and events). Handlers validate, run one transaction with the outbox events, and reply;
 * they hold no SQL. */
#pragma once
#include <json-c/json.h>

#include "http/http.h"
#include "store_asset.h"

/* The representation GET returns (deletedAt set for a deleted row). New reference for the caller. */
json_object *pf_asset_to_json(const pf_asset *a);

void asset_create(http_request *r); /* POST L/assets (with its @external/<code> account) */
void asset_list(http_request *r);   /* GET L/assets */
void asset_get(http_request *r);    /* GET L/assets/{asset_id} */
void asset_patch(http_request *r);  /* PATCH L/assets/{asset_id} */
void asset_delete(http_request *r); /* DELETE L/assets/{asset_id} (and its external accounts) */
void asset_count(http_request *r);  /* HEAD L/assets/metrics/count */
