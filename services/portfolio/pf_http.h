/* Request/response helpers shared by the portfolio handlers: the worker's database connection, body
 * decoding with a schema chosen from the parsed body, list parameters, not-found and count replies,
 * and the JSON pieces every portfolio entity carries. No SQL, no domain rules. */
#pragma once
#include <json-c/json.h>
#include <stdint.h>

#include "db/db.h"
#include "http/http.h"
#include "pagination/pagination.h"
#include "store_common.h"

/* The worker's PostgreSQL connection, or NULL after replying 503 0901. */
db_conn *pf_db_or_reply(http_request *r);

/* Picks the schema for a parsed body (e.g. alias becomes required for an external account). */
typedef const json_schema *(*pf_schema_chooser)(json_object *parsed);

/* Parse the body strictly, choose its schema, validate (api.md body steps 1-6). *out is a new
 * reference on success; -1 after replying the failing step's error. */
int pf_body_or_reply(http_request *r, pf_schema_chooser choose, json_mode mode, json_object **out) MUSTCHECK;

/* page_params_parse over the request's query string (offset lists). 0, or -1 after replying. */
int pf_page_params_or_reply(http_request *r, const char *const *filter_names, page_params *p) MUSTCHECK;

/* Reply 404 `id`; ERR_ENTITY_NOT_FOUND carries entityType = entity_type. */
void pf_reply_not_found(http_request *r, err_id id, const char *entity_type);
/* Reply 400 0082 naming the query parameter `param`. */
void pf_reply_bad_filter(http_request *r, const char *param, const char *reason);
/* Reply 204 with X-Total-Count: n and no body (HEAD .../metrics/count). */
void pf_reply_count(http_request *r, int64_t n);

/* JSON pieces: a string or null; an RFC 3339 time (null when us < 0). New references (NULL = null). */
json_object *pf_json_text(const char *s);
json_object *pf_json_time(int64_t us);
/* Add id, organizationId, ledgerId of b to obj (the first members of every entity). */
void pf_json_add_head(json_object *obj, const pf_base *b);
/* Add status, metadata, createdAt, updatedAt, deletedAt of b to obj (the last members). */
void pf_json_add_tail(json_object *obj, const pf_base *b);
/* {"items": items, "page": p->page, "limit": p->limit}; takes the items reference. */
json_object *pf_list_envelope(json_object *items, const page_params *p);

/* What a write transaction decided, besides its database status. */
typedef enum pf_outcome {
    PF_OK,
    PF_NOT_FOUND,             /* 0007 (entityType of the target) */
    PF_LEDGER_GONE,           /* 0037: the ledger was closed while the request ran */
    PF_ASSET_DUPLICATE,       /* 0003 */
    PF_SEGMENT_DUPLICATE,     /* 0015 */
    PF_ALIAS_TAKEN,           /* 0020 */
    PF_IN_USE,                /* 0008 */
    PF_ASSET_CODE_MISSING,    /* 0034 */
    PF_PORTFOLIO_MISSING,     /* 0035 */
    PF_SEGMENT_MISSING,       /* 0036 */
    PF_PARENT_INVALID,        /* 0029 */
    PF_PARENT_ASSET_MISMATCH, /* 0030 */
    PF_EXTERNAL_IMMUTABLE,    /* 0074 */
    PF_BALANCE_NONZERO,       /* 0012 */
    PF_UNAVAILABLE,           /* 503 0901: an internal call failed */
    PF_CREATION_FAILED        /* 500 0127 */
} pf_outcome;

/* Reply for a finished write: the outcome's error when it is not PF_OK, else the database error when
 * st != DB_OK, else `status` with `entity` (a new reference is taken; no body for 204). entity_type
 * names the target for 0007. */
void pf_reply_write(http_request *r, pf_outcome outcome, db_status st, const char *entity_type, int status,
                    json_object *entity);

/* Lowercase canonical copy of a path id that the server already checked (0065). */
void pf_path_id(http_request *r, const char *name, char out[UUID_STR_LEN + 1]);
