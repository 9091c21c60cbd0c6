/* Small request/response helpers shared by the organization and ledger handlers: the worker's
 * database connection, list parameters, not-found replies, count replies and the JSON pieces every
 * onboarding entity carries (status, timestamps, list envelope). No SQL, no domain rules. */
#pragma once
#include <json-c/json.h>
#include <stdint.h>

#include "db/db.h"
#include "http/http.h"
#include "pagination/pagination.h"

/* The worker's PostgreSQL connection, or NULL after replying 503 0901. */
db_conn *onb_db_or_reply(http_request *r);

/* page_params_parse over the request's query string (offset lists, entity filter names
 * NULL-terminated). Returns 0, or -1 after replying the 400 of the failing parameter. */
int onb_page_params_or_reply(http_request *r, const char *const *filter_names, page_params *p) MUSTCHECK;

/* Reply 404 with `id` (0007 carries entityType = entity_type; pass NULL for other codes). */
void onb_reply_not_found(http_request *r, err_id id, const char *entity_type);

/* Reply 204 with X-Total-Count: n and no body (HEAD .../metrics/count). */
void onb_reply_count(http_request *r, int64_t n);

/* {"code": code, "description": description|null}. New reference. */
json_object *onb_status_json(const char *code, const char *description);
/* RFC 3339 string with six fractional digits and Z, or JSON null when us < 0. New reference (or NULL
 * for JSON null, which json-c represents as NULL). */
json_object *onb_time_json(int64_t us);
/* {"items": items, "page": p->page, "limit": p->limit}; takes the items reference. */
json_object *onb_list_envelope(json_object *items, const page_params *p);
