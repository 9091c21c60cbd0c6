/* HTTP handlers of the organization routes (api.md "Organizations") and the organization's JSON
 * representation (shared by responses and events). Handlers validate, call the store inside one
 * transaction with the outbox event, and reply; they hold no SQL. */
#pragma once
#include <json-c/json.h>

#include "http/http.h"
#include "store_organization.h"

/* The representation GET returns (deletedAt null for live rows, the time for a deleted one).
 * New reference owned by the caller. */
json_object *organization_to_json(const organization *o);

void organization_create(http_request *r);  /* POST /v1/organizations */
void organization_list(http_request *r);    /* GET /v1/organizations */
void organization_get(http_request *r);     /* GET O (also GET /internal O, events.md 7.3) */
void organization_patch(http_request *r);   /* PATCH O */
void organization_delete(http_request *r);  /* DELETE O */
void organization_count(http_request *r);   /* HEAD /v1/organizations/metrics/count */
