/* Request/reply helpers for every service's handlers, on common/http and the service worker: worker
 * connections, list parameters, chosen-schema bodies, path ids, the usual replies and the JSON pieces
 * API entities share. No SQL, no service names, no domain rule. */
#pragma once
#include <json-c/json.h>
#include <stdint.h>

#include "cache/cache.h"
#include "db/db.h"
#include "entity/entity.h"
#include "errors/errors.h"
#include "http/http.h"
#include "json/json.h"
#include "pagination/pagination.h"
#include "uuid/uuid.h"

/* ---- the worker's connections ------------------------------------------------------------------ */

/* The PostgreSQL connection of the worker serving r (reconnected when needed), or NULL after
 * replying 503 0901 (no worker, or PostgreSQL unreachable). Owned by the worker. */
db_conn *service_db_or_reply(http_request *r);

/* The Redis cache of the worker serving r (it may be down: callers degrade), or NULL outside a
 * service worker. Owned by the worker. */
cache *service_cache_of(http_request *r);

/* ---- request decoding (validate-or-reply: -1 means the reply was sent) -------------------------- */

/* page_params_parse of `kind` over the request's query string; filter_names NULL-terminated or NULL.
 * Returns 0, or -1 after replying the 400 of the first failing parameter. */
int service_page_params_or_reply(http_request *r, page_kind kind, const char *const *filter_names,
                                 page_params *p) MUSTCHECK;

/* Picks the schema of a parsed body (e.g. a member becomes required for one value of another). */
typedef const json_schema *(*service_schema_chooser)(json_object *parsed);

/* Parse the body strictly, choose its schema from the parsed value, validate (api.md body steps 1-6;
 * `extra`, which may be NULL, adds entity rules to step 6's 0047 list, see json_validate_ex).
 * *out is a new reference on success; -1 after replying the failing step's error (0094 when the
 * validator gave none). With a constant chooser and no extra rules this is http_body_json_or_reply. */
int service_body_choose_or_reply(http_request *r, service_schema_chooser choose, json_mode mode,
                                 json_extra_rules_fn extra, void *arg, json_object **out) MUSTCHECK;

/* Lowercase canonical form of the path parameter `name` into out. Meant for ids the server already
 * checked (0065); anything else is copied as it came ("" when the parameter is missing). */
void service_path_id(http_request *r, const char *name, char out[UUID_STR_LEN + 1]);

/* ---- replies ----------------------------------------------------------------------------------- */

/* Reply the 404 `id` with the message "<entity_type> not found"; ERR_ENTITY_NOT_FOUND (0007) also
 * carries entityType = entity_type (a static string). entity_type NULL reads "entity". */
void service_reply_not_found(http_request *r, err_id id, const char *entity_type);

/* Reply 400 0082 for the query parameter `param`: message "invalid value of query parameter <param>",
 * fields {param: reason}. */
void service_reply_bad_filter(http_request *r, const char *param, const char *reason);

/* Reply 204 with X-Total-Count: n and no body (HEAD .../metrics/count). */
void service_reply_count(http_request *r, int64_t n);

/* Reply `status` with JSON text serialised already (sent byte for byte, application/json). */
void service_reply_json_text(http_request *r, int status, const char *json_text);

/* ---- JSON pieces (new references; json-c represents JSON null as NULL) ------------------------- */

/* A JSON string of s, or null when s is NULL. */
json_object *service_json_text(const char *s);

/* The RFC 3339 UTC text of epoch microseconds (six fractional digits, Z), or null when us < 0 (the
 * "not set" value of deletedAt and friends). */
json_object *service_json_time(int64_t us);

/* A status object {"code": code ("" when NULL), "description": description or null}. */
json_object *service_json_status(const char *code, const char *description);

/* Add the members every entity ends with to obj, in this order: "status" (service_json_status),
 * "metadata" ({} when NULL; obj takes a new reference), "createdAt", "updatedAt", "deletedAt"
 * (service_json_time). */
void service_json_add_common(json_object *obj, const entity_common *m);

/* The offset list envelope {"items": items, "page": p->page, "limit": p->limit}; takes the items
 * reference. */
json_object *service_json_offset_list(json_object *items, const page_params *p);
